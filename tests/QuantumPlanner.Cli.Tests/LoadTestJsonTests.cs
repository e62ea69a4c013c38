using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantumPlanner.Cli.Commands;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Cli.Tests;

/// <summary>The load generator's request template and its DOM-free reading of responses.</summary>
public class LoadTestJsonTests
{
    [Fact]
    public async Task Body_AnySeed_IsTheJobRequestWithThatSeed()
    {
        var problem = LoadTestCommand.SmallProblem(10);
        var template = new LoadTestCommand.RequestTemplate(problem, "greedy", 2.5);

        foreach (var seed in new[] { 0L, 7L, long.MaxValue / 2 })
        {
            using var content = template.Body(seed);
            var body = JsonNode.Parse(await content.ReadAsStringAsync())!;

            Assert.Equal("application/json; charset=utf-8", content.Headers.ContentType!.ToString());
            Assert.Equal(seed, body["seed"]!.GetValue<long>());
            Assert.Equal("greedy", body["backend"]!.GetValue<string>());
            Assert.Equal(2.5, body["timeLimitSeconds"]!.GetValue<double>());
            Assert.Equal(JsonNode.Parse(problem)!.ToJsonString(), body["problem"]!.ToJsonString());
            Assert.Empty(PlanningJson.ParseProblem(body["problem"]!.ToJsonString(), "problem").Issues);
        }
    }

    [Fact]
    public void Read_JobView_ReturnsTopLevelIdStatusAndTimestampsOnly()
    {
        var created = new DateTimeOffset(2026, 11, 28, 23, 0, 0, TimeSpan.Zero);
        var json = new JsonObject
        {
            ["id"] = "0195f0aa-0000-7000-8000-000000000001",
            ["status"] = "completed",
            ["progress"] = new JsonObject { ["status"] = "nested, not the job's", ["bestObjective"] = 3.5 },
            ["createdAt"] = created,
            ["startedAt"] = created.AddMilliseconds(2.5),
            ["completedAt"] = created.AddMilliseconds(9),
            ["error"] = null,
            ["links"] = new JsonObject { ["self"] = "/api/v1/jobs/x" },
        }.ToJsonString();

        var job = LoadTestCommand.JobJson.Read(Encoding.UTF8.GetBytes(json));

        Assert.Equal("0195f0aa-0000-7000-8000-000000000001", job.Id);
        Assert.Equal("completed", job.Status);
        Assert.Equal(created, job.CreatedAt);
        Assert.Equal(created.AddMilliseconds(2.5), job.StartedAt);
        Assert.Equal(created.AddMilliseconds(9), job.CompletedAt);
    }

    [Fact]
    public void Read_QueuedJobWithNullTimestamps_LeavesThemNull()
    {
        var job = LoadTestCommand.JobJson.Read("""{"id":"a","status":"queued","createdAt":"2026-11-28T23:00:00Z","startedAt":null,"completedAt":null}"""u8);

        Assert.Equal("queued", job.Status);
        Assert.NotNull(job.CreatedAt);
        Assert.Null(job.StartedAt);
        Assert.Null(job.CompletedAt);
    }

    [Fact]
    public void TryReadPlan_PlanWithTiming_FindsAssignmentsAndTotalMs()
    {
        var plan = """{"status":"optimal","assignments":[{"task":"t0","agent":"a1"}],"score":{"totalMs":99},"timing":{"parseMs":1,"totalMs":12.5}}"""u8;

        Assert.True(LoadTestCommand.JobJson.TryReadPlan(plan, out var totalMs));
        Assert.Equal(12.5, totalMs);
    }

    [Fact]
    public void TryReadPlan_NoAssignmentsOrMalformed_IsRejected()
    {
        Assert.False(LoadTestCommand.JobJson.TryReadPlan("""{"status":"optimal","timing":{"totalMs":1}}"""u8, out _));
        Assert.ThrowsAny<JsonException>(() => LoadTestCommand.JobJson.TryReadPlan("""{"assignments":[}"""u8.ToArray(), out _));
    }
}
