using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Caching;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// One intake per request: the body is read once, the worker of the same process reuses it, both solve routes share one
/// cache key. Raw HttpClient on purpose: the tests compare the text and hash stored for what was sent, and answers byte
/// for byte.
/// </summary>
public sealed class IntakeTests
{
    [Fact]
    public async Task SubmitJob_NoWorkers_HoldsTheValidatedProblemForThisProcessAndStoresItsCanonicalHash()
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        var problem = Api.Problem(5);

        var id = Guid.Parse((await Api.SubmitAsync(client, Api.Job(problem)))["id"]!.GetValue<string>());

        Assert.Equal(1, service.Services.GetRequiredService<SubmittedProblems>().Count);
        var stored = await service.Services.GetRequiredService<IJobStore>().GetAsync("acme", id);
        Assert.Equal(CacheKey.ProblemHash(problem.ToJsonString()), stored!.ProblemHash);
    }

    [Fact]
    public async Task SubmitJob_TopLevelBaseline_StoresAndHashesTheProblemWithThatBaseline()
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        var problem = Api.Problem(5);
        var baseline = new JsonObject
        {
            ["assignments"] = new JsonArray(new JsonObject { ["task"] = "t1", ["agent"] = "a3", ["start"] = 2, ["pinned"] = true }),
        };
        var body = Api.Job(problem);
        body["baseline"] = baseline.DeepClone();

        var id = Guid.Parse((await Api.SubmitAsync(client, body))["id"]!.GetValue<string>());

        var stored = await service.Services.GetRequiredService<IJobStore>().GetAsync("acme", id);
        var withBaseline = (JsonObject)problem.DeepClone();
        withBaseline["baseline"] = baseline;
        Assert.Equal(CacheKey.ProblemHash(withBaseline.ToJsonString()), stored!.ProblemHash);
        Assert.NotEqual(CacheKey.ProblemHash(problem.ToJsonString()), stored.ProblemHash);
        Assert.Equal("a3", JsonNode.Parse(stored.ProblemJson)!["baseline"]!["assignments"]![0]!["agent"]!.GetValue<string>());
    }

    [Fact]
    public async Task SubmitJob_WorkerInTheSameProcess_TakesTheSubmittedProblem()
    {
        await using var service = new TestService();
        using var client = service.Client(await service.CreateKeyAsync("acme"));

        var id = (await Api.SubmitAsync(client, Api.Job(Api.Problem(5), seed: 3)))["id"]!.GetValue<string>();

        Assert.Equal("completed", (await Api.WaitAsync(client, id))["status"]!.GetValue<string>());
        Assert.Equal(0, service.Services.GetRequiredService<SubmittedProblems>().Count);
    }

    [Fact]
    public async Task Worker_JobEnqueuedByAnotherProcess_ReadsTheStoredProblem()
    {
        await using var service = new TestService();
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        var store = service.Services.GetRequiredService<IJobStore>();
        var json = Api.Problem(4).ToJsonString();

        var (job, _) = await store.EnqueueAsync(new NewJob("acme", "greedy", json, CacheKey.ProblemHash(json), 5, 1));

        var done = await Api.WaitAsync(client, job.Id.ToString());
        Assert.Equal("completed", done["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Worker_StoredProblemInvalid_FailsTheJobNamingTheIssue()
    {
        await using var service = new TestService();
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        var store = service.Services.GetRequiredService<IJobStore>();
        const string Json = """{"tasks":[{"id":"a","duration":2,"dependsOn":["nowhere"]}]}""";

        var (job, _) = await store.EnqueueAsync(new NewJob("acme", "greedy", Json, CacheKey.ProblemHash(Json), 5, 1));

        var done = await Api.WaitAsync(client, job.Id.ToString());
        Assert.Equal("failed", done["status"]!.GetValue<string>());
        Assert.Contains("nowhere", done["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_ThenTheSameJobWithKeysReordered_JobIsAnsweredFromTheSameCacheEntry()
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        var problem = Api.Problem(6);
        using var solved = await client.PostAsync("/api/v1/solve", Api.Json(Api.Job(problem, backend: "greedy", timeLimit: 2, seed: 4)));
        Assert.Equal(HttpStatusCode.OK, solved.StatusCode);

        // Same problem, properties in reverse order: the canonical hash, hence the cache key, is the same.
        var reordered = new JsonObject();
        foreach (var (name, value) in problem.Reverse().ToList())
        {
            reordered[name] = value?.DeepClone();
        }

        var job = await Api.SubmitAsync(client, Api.Job(reordered, backend: "greedy", timeLimit: 2, seed: 4));

        // No worker runs here, so only the cache can have completed it.
        Assert.Equal("completed", job["status"]!.GetValue<string>());
        using var result = await client.GetAsync($"/api/v1/jobs/{job["id"]!.GetValue<string>()}/result");
        Assert.Equal(await solved.Content.ReadAsStringAsync(), await result.Content.ReadAsStringAsync());
    }
}
