using System.Net;
using System.Text.Json.Nodes;
using QuantumPlanner.Client;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// POST /api/v1/explain through QuantumPlanner.Client against the service in process. One test sends raw HTTP because
/// it is about the wire: a body of the wrong shape, which the typed client cannot produce.
/// </summary>
public sealed class ExplainApiTests : IAsyncLifetime
{
    private TestService service = null!;
    private QuantumPlannerClient client = null!;

    public async Task InitializeAsync()
    {
        service = new TestService();
        client = new QuantumPlannerClient(service.Client(), new QuantumPlannerClientOptions { ApiKey = await service.CreateKeyAsync("acme") });
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await service.DisposeAsync();
    }

    [Fact]
    public async Task Explain_PlanTheServiceSolved_RescoresToTheSameObjectiveTermByTerm()
    {
        var problem = Api.Problem(6);
        var plan = await client.SolveAsync(new PlanRequest(problem) { TimeLimitSeconds = 2, Seed = 5 });

        var explained = await client.ExplainAsync(problem, JsonNode.Parse(Core.Planning.PlanningJson.Serialize(plan))!.AsObject());

        Assert.Equal(plan.Score.Objective, explained.Objective, 6);
        Assert.Equal(explained.Objective, explained.Terms.Sum(t => t.Weighted), 6);
        Assert.All(explained.Terms, t => Assert.Equal(t.Weight * t.Value, t.Weighted, 9));
        Assert.Equal(0, explained.HardViolations);
        Assert.Empty(explained.Violations);
        Assert.Equal(plan.Assignments.Select(a => a.Task).Order(StringComparer.Ordinal), explained.Tasks.Select(t => t.Task).Order(StringComparer.Ordinal));
        Assert.Equal(plan.Metrics.Makespan, explained.Metrics.Makespan);
        Assert.Equal(explained.Tasks.Sum(t => t.Cost), explained.Agents.Sum(a => a.Cost), 6);
        Assert.Contains($"objective {explained.Objective:0.###}", explained.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_HandWrittenPlanBreakingRules_ListsEachViolationWithItsTaskAndAgent()
    {
        // t0 needs skill x, which a3 lacks; t3 depends on t2 but starts before t2 ends.
        var plan = new JsonObject
        {
            ["assignments"] = new JsonArray(
                Assignment("t0", "a3", 0, 1),
                Assignment("t1", "a1", 0, 2),
                Assignment("t2", "a2", 0, 3),
                Assignment("t3", "a1", 2, 3)),
        };

        var explained = await client.ExplainAsync(Api.Problem(4), plan);

        Assert.Equal(explained.Violations.Count, explained.HardViolations);
        Assert.Contains(explained.Violations, v => v.Task == "t0" && v.Agent == "a3");
        Assert.Contains(explained.Violations, v => v.Task == "t3");
        Assert.DoesNotContain(explained.Violations, v => v.Task is "t1" or "t2");
    }

    [Fact]
    public async Task Explain_InvalidProblem_Is422NamingEveryIssue()
    {
        var problem = Api.Problem(3);
        problem["tasks"]![0]!["duration"] = -4;
        problem["tasks"]![1]!["dependsOn"] = new JsonArray("ghost");

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => client.ExplainAsync(problem, new JsonObject { ["assignments"] = new JsonArray() }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains(refused.Errors, e => e.Item!.Contains("t0", StringComparison.Ordinal) && e.Message.Contains("-4", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.Message.Contains("ghost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Explain_PlanOfAnotherProblem_Is422NamingEachForeignAssignment()
    {
        var plan = await client.SolveAsync(new PlanRequest(Api.Problem(6)) { TimeLimitSeconds = 1 });
        var smaller = Api.Problem(3);
        smaller["agents"]!.AsArray().RemoveAt(0);

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => client.ExplainAsync(smaller, JsonNode.Parse(Core.Planning.PlanningJson.Serialize(plan))!.AsObject()));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.All(refused.Errors, e => Assert.Equal("plan-mismatch", e.Code));
        var foreignTasks = plan.Assignments.Select((a, i) => (a, i)).Where(x => x.a.Task is "t3" or "t4" or "t5").Select(x => $"$.plan.assignments[{x.i}].task");
        var foreignAgents = plan.Assignments.Select((a, i) => (a, i)).Where(x => x.a.Agent == "a1").Select(x => $"$.plan.assignments[{x.i}].agent");
        Assert.Equal(foreignTasks.Concat(foreignAgents).Order(StringComparer.Ordinal), refused.Errors.Select(e => e.Item!).Order(StringComparer.Ordinal));
        Assert.Contains("another problem", refused.Errors[0].Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_OverTheLimits_Is413ForTheBodyAnd422NamingTheTaskLimit()
    {
        await using var small = new TestService(new Dictionary<string, string?> { ["MaxBodyBytes"] = "2000", ["MaxTasks"] = "5" });
        using var limited = new QuantumPlannerClient(small.Client(), new QuantumPlannerClientOptions { ApiKey = await small.CreateKeyAsync("acme") });
        var empty = new JsonObject { ["assignments"] = new JsonArray() };

        var tooLarge = await Assert.ThrowsAsync<InvalidRequestException>(() => limited.ExplainAsync(Api.Problem(60), empty));
        var tooMany = await Assert.ThrowsAsync<InvalidRequestException>(() => limited.ExplainAsync(Api.Problem(6), empty));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.Status);
        Assert.Contains("MaxBodyBytes", tooLarge.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.Status);
        Assert.Contains(tooMany.Errors, e => e.Item == "$.problem.tasks" && e.Message.Contains("MaxTasks is 5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Explain_WithoutAKey_IsUnauthorized()
    {
        using var anonymous = new QuantumPlannerClient(service.Client());

        var refused = await Assert.ThrowsAsync<UnauthorizedException>(() => anonymous.ExplainAsync(Api.Problem(2), new JsonObject { ["assignments"] = new JsonArray() }));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
    }

    [Fact]
    public async Task Explain_BodyOfTheWrongShape_Is400NamingEachField()
    {
        // Wire-level: a body the typed client never sends.
        using var http = service.Client(await service.CreateKeyAsync("acme"));

        using var response = await http.PostAsync("/api/v1/explain", Api.Json(new JsonObject { ["problem"] = Api.Problem(2), ["plans"] = new JsonArray() }));
        var body = await response.ReadObjectAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["$.plan", "$.plans"], body["errors"]!.AsArray().Select(e => e!["item"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    private static JsonObject Assignment(string task, string agent, int start, int end) =>
        new() { ["task"] = task, ["agent"] = agent, ["start"] = start, ["end"] = end };
}
