using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using QuantumPlanner.Service.Api;
using QuantumPlanner.Storage;
using JobView = QuantumPlanner.Client.Job;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// Finished jobs answered from memory; queued and running states always from the store. Raw HttpClient on purpose: an
/// answer from memory must equal the store's byte for byte, content type included.
/// </summary>
public sealed class FinishedJobCacheTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Add_QueuedOrRunningJob_IsNotKeptButItsViewIsReturned()
    {
        var cache = new FinishedJobCache(1 << 20, Web);
        var queued = Job("acme", JobStatus.Queued);
        var running = Job("acme", JobStatus.Running);

        var view = cache.Add(queued);
        cache.Add(running);

        Assert.False(cache.TryGet("acme", queued.Id, out _));
        Assert.False(cache.TryGet("acme", running.Id, out _));
        Assert.Equal(0, cache.Count);
        Assert.Equal("queued", JsonNode.Parse(view)!["status"]!.GetValue<string>());
    }

    [Fact]
    public void TryGet_FinishedJob_ReturnsTheSameJsonAsTheViewAndOnlyToItsTenant()
    {
        var cache = new FinishedJobCache(1 << 20, Web);
        var job = Job("acme", JobStatus.Completed, result: """{"assignments":[]}""");

        cache.Add(job);

        Assert.True(cache.TryGet("acme", job.Id, out var entry));
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(JobView.From(job), Web), entry!.ViewJson);
        Assert.Equal(job.ResultJson, entry.ResultJson);
        Assert.Equal(JobStatus.Completed, entry.Status);
        Assert.False(cache.TryGet("globex", job.Id, out var foreign));
        Assert.Null(foreign);
    }

    [Fact]
    public void Add_BeyondTheBudget_EvictsTheOldestFirstAndStaysWithinIt()
    {
        var first = Job("acme", JobStatus.Completed, result: new string('x', 100));
        var probe = new FinishedJobCache(1 << 20, Web);
        probe.Add(first);
        var budget = probe.Bytes * 3; // room for three jobs of this size
        var cache = new FinishedJobCache(budget, Web);
        var jobs = new List<JobRecord> { first };
        for (var i = 1; i < 5; i++)
        {
            jobs.Add(Job("acme", JobStatus.Completed, result: new string('x', 100)));
        }

        foreach (var job in jobs)
        {
            cache.Add(job);
        }

        Assert.Equal(3, cache.Count);
        Assert.InRange(cache.Bytes, 1, budget);
        Assert.False(cache.TryGet("acme", jobs[0].Id, out _));
        Assert.False(cache.TryGet("acme", jobs[1].Id, out _));
        Assert.True(cache.TryGet("acme", jobs[4].Id, out _));
    }

    [Fact]
    public void Add_PlanLargerThanAnEighthOfTheBudget_KeepsTheViewWithoutThePlan()
    {
        var cache = new FinishedJobCache(64 * 1024, Web);
        var job = Job("acme", JobStatus.Completed, result: new string('x', 8 * 1024));

        cache.Add(job);

        Assert.True(cache.TryGet("acme", job.Id, out var entry));
        Assert.Null(entry!.ResultJson);
    }

    [Fact]
    public void Remove_KeptJob_MissesAndGivesItsBytesBack()
    {
        var cache = new FinishedJobCache(1 << 20, Web);
        var job = Job("acme", JobStatus.Failed, error: "boom");
        cache.Add(job);

        cache.Remove(job.Id);

        Assert.False(cache.TryGet("acme", job.Id, out _));
        Assert.Equal(0, cache.Bytes);
    }

    [Fact]
    public void Add_BudgetZero_KeepsNothing()
    {
        var cache = new FinishedJobCache(0, Web);
        var job = Job("acme", JobStatus.Completed, result: "{}");

        cache.Add(job);

        Assert.False(cache.TryGet("acme", job.Id, out _));
    }

    [Fact]
    public async Task GetJob_FinishedJob_IsAnsweredWithoutTheStore()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-service-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        try
        {
            await using var service = new TestService(new Dictionary<string, string?> { ["DataDir"] = dataDir });
            using var client = service.Client(await service.CreateKeyAsync("acme"));
            using var other = service.Client(await service.CreateKeyAsync("globex"));
            var id = (await Api.SubmitAsync(client, Api.Job(Api.Problem(4), backend: "greedy", seed: 5)))["id"]!.GetValue<string>();
            var done = await Api.WaitAsync(client, id);
            Assert.Equal("completed", done["status"]!.GetValue<string>());

            // Take the row away behind the service's back: only an answer from memory can still find the job.
            await using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, StorageFactory.SqliteFileName)};Pooling=False"))
            {
                await connection.OpenAsync();
                await using var delete = connection.CreateCommand();
                delete.CommandText = "DELETE FROM optimization_jobs WHERE id = $id";
                delete.Parameters.AddWithValue("$id", id);
                Assert.Equal(1, await delete.ExecuteNonQueryAsync());
            }

            using var again = await client.GetAsync($"/api/v1/jobs/{id}");
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal("application/json; charset=utf-8", again.Content.Headers.ContentType!.ToString());
            Assert.Equal(done.ToJsonString(), (await again.ReadObjectAsync()).ToJsonString());
            var plan = await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}/result");
            Assert.Equal(4, plan!["assignments"]!.AsArray().Count);
            using var foreign = await other.GetAsync($"/api/v1/jobs/{id}");
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task GetJob_QueuedJobCancelledByAnotherReplica_AnswersTheStoredState()
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        var id = (await Api.SubmitAsync(client, Api.Job(Api.Problem(3))))["id"]!.GetValue<string>();
        Assert.Equal("queued", (await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}"))!["status"]!.GetValue<string>());

        // Straight through the store, as another replica's DELETE would: this process's API is not told.
        var cancelled = await service.Services.GetRequiredService<IJobStore>().CancelAsync("acme", Guid.Parse(id));
        Assert.Equal(JobStatus.Cancelled, cancelled!.Status);

        Assert.Equal("cancelled", (await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}"))!["status"]!.GetValue<string>());
        using var result = await client.GetAsync($"/api/v1/jobs/{id}/result");
        Assert.Equal(HttpStatusCode.Conflict, result.StatusCode);
    }

    [Fact]
    public async Task Worker_CompletedJob_IsCachedBeforeAnyRequestSeesItFinished()
    {
        await using var service = new TestService();
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        var cache = service.Services.GetRequiredService<FinishedJobCache>();
        var id = Guid.Parse((await Api.SubmitAsync(client, Api.Job(Api.Problem(4), backend: "greedy", seed: 9)))["id"]!.GetValue<string>());

        // No GET in between: only the worker can have put it there.
        FinishedJobCache.Entry? entry = null;
        for (var i = 0; i < 400 && !cache.TryGet("acme", id, out entry); i++)
        {
            await Task.Delay(50);
        }

        Assert.NotNull(entry);
        Assert.Equal(JobStatus.Completed, entry.Status);
        var stored = await service.Services.GetRequiredService<IJobStore>().GetAsync("acme", id);
        Assert.Equal(JobStatus.Completed, stored!.Status);
        Assert.Equal(stored.ResultJson, entry.ResultJson);
        Assert.Equal(stored.CompletedAt, JsonNode.Parse(entry.ViewJson)!["completedAt"]!.GetValue<DateTimeOffset>());
    }

    private static JobRecord Job(string tenant, JobStatus status, string? result = null, string? error = null)
    {
        var created = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        var finished = status.IsFinished();
        return new JobRecord(
            Guid.CreateVersion7(), tenant, status, "greedy", finished ? "greedy" : null, "{}", result, "hash", null, 1,
            status == JobStatus.Running ? "w1" : null, null, created, status == JobStatus.Queued ? null : created.AddMilliseconds(2),
            finished ? created.AddMilliseconds(5) : null, error, 5, 7, null);
    }
}
