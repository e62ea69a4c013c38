extern alias sapi;

using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using QuantumPlanner.Client;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Storage;
using sapi::QuantumPlanner.SapiServer;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// The QUBO path through the service: the <c>sampler</c> field of jobs and POST /api/v1/solve, the plan's qubo
/// section, a remote annealer that is down (fallback within a second, counted) and /health/quantum against the
/// protocol-faithful SAPI test server, down and up. Requests go through QuantumPlanner.Client; /metrics and
/// /health/quantum, which are operators' routes the client does not call, are read raw.
/// </summary>
public sealed class QuantumPathTests
{
    /// <summary>A pure assignment problem (no timing can matter): 8 tasks on 3 agents with maxWorkload and costs.</summary>
    private static JsonObject AssignmentProblem()
    {
        var problem = new PlanningProblem
        {
            Name = "assign",
            Agents = [.. Enumerable.Range(0, 3).Select(a => new Agent { Id = $"a{a}", Capacity = 8, MaxWorkload = 7 })],
            Tasks = [.. Enumerable.Range(0, 8).Select(t => new PlanningTask
            {
                Id = $"t{t}",
                Duration = 1 + (t % 3),
                CostByAgent = new Dictionary<string, double> { ["a0"] = 1 + t, ["a1"] = 9 - t, ["a2"] = 3 + (t % 4) },
            })],
            Objective = new ObjectiveWeights { Makespan = 0, Cost = 1 },
        };
        return JsonNode.Parse(PlanningJson.Serialize(problem))!.AsObject();
    }

    private static PlanRequest Request(string backend, string sampler, double timeLimit = 1) =>
        new(AssignmentProblem()) { Backend = backend, Sampler = sampler, TimeLimitSeconds = timeLimit, Seed = 1 };

    private static Dictionary<string, string?> Remote(SapiTestServer server) => new()
    {
        ["QuantumPlanner:Quantum:Endpoint"] = server.Endpoint.ToString(),
        ["QuantumPlanner:Quantum:Token"] = server.Options.Token,
    };

    [Fact]
    public async Task Solve_AnnealWithTabuSampler_PlanHasTheQuboSectionNamingTheSampler()
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var client = service.ApiClient(await service.CreateKeyAsync("acme"));

        var plan = await client.SolveAsync(Request("anneal", "tabu"));

        Assert.Equal("feasible", plan.Status);
        Assert.Equal("anneal/tabu", Assert.Single(plan.BackendsTried).Backend);
        Assert.Equal("tabu", plan.Qubo!.Sampler);
        Assert.True(plan.Qubo.Variables >= 24);
        Assert.Null(plan.Qubo.Fallback);
    }

    [Theory]
    [InlineData("annealer9000", "Maybe one of:")]
    [InlineData("qpu:Advantage_system6.4", "Maybe one of:")]
    public async Task Solve_SamplerThatCannotRunHere_Answers422NamingIt(string sampler, string fix)
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var client = service.ApiClient(await service.CreateKeyAsync("acme"));

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => client.SolveAsync(Request("anneal", sampler)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        var error = Assert.Single(refused.Errors);
        Assert.Equal("unknown-sampler", error.Code);
        Assert.Equal("$.sampler", error.Item);
        Assert.Contains(sampler, error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitJob_WithSampler_JobShowsItTheStoreKeepsItAndTheWorkerUsesIt()
    {
        await using var service = new TestService();
        using var client = service.ApiClient(await service.CreateKeyAsync("acme"));

        var id = (await client.SubmitAsync(Request("anneal", "sa"))).Id;

        var job = await client.WaitAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal("completed", job.Status);
        Assert.Equal("anneal", job.BackendRequested);
        Assert.Equal("sa", job.Sampler);
        var stored = await service.Services.GetRequiredService<IJobStore>().GetAsync("acme", id);
        Assert.Equal("anneal/sa", stored!.BackendRequested);
        var plan = await client.GetResultAsync(id);
        Assert.Equal("sa", plan.Qubo!.Sampler);
        Assert.Equal("anneal/sa", plan.BackendsTried.Single().Backend);
    }

    [Fact]
    public async Task Solve_RemoteAnnealerDown_FallsBackToTheLocalSamplerWithinASecondAndSaysSo()
    {
        Uri endpoint;
        string token;
        await using (var server = await SapiTestServer.StartAsync())
        {
            (endpoint, token) = (server.Endpoint, server.Options.Token);
        }

        // The server is gone: its port refuses connections, as an annealing service behind a dead link does.
        await using var service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0", ["QuantumPlanner:Quantum:Endpoint"] = endpoint.ToString(), ["QuantumPlanner:Quantum:Token"] = token });
        var key = await service.CreateKeyAsync("acme");
        using var typed = service.ApiClient(key);
        using var client = service.Client(key);

        var plan = await typed.SolveAsync(Request("anneal", "qpu:Chimera_C16_test", timeLimit: 2));

        Assert.Equal("feasible", plan.Status);
        var fallback = plan.Qubo!.Fallback!;
        // The planning path decomposes QPU models, so the sampler that met the outage is the decomposition over the QPU.
        Assert.Equal(("decompose:qpu:Chimera_C16_test", "tabu", "unreachable"), (fallback.From, fallback.To, fallback.Reason));
        // The local sampler starts as soon as the call that met the outage fails: a refused connection is told at
        // once, not after the 60 s request timeout. How fast that is (the one second) is a figure for a quiet
        // machine; on a loaded test machine the first call's connection set-up alone can take a second, so the test
        // bounds it well below the request timeout instead.
        Assert.InRange(fallback.DetectedMs, 0, 5000);
        Assert.Equal("anneal/tabu", plan.BackendsTried.Single().Backend);
        using var metrics = await client.GetAsync("/metrics");
        Assert.Contains("classical_fallback_total{reason=\"unreachable\"} 1", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthQuantum_RemoteSolverOnlineThenOfflineThenUnreachable_ReportsEachState()
    {
        var server = await SapiTestServer.StartAsync();
        try
        {
            await using var service = new TestService(Remote(server));
            using var client = service.Client();

            var up = await HealthAsync(client);
            Assert.Equal("Healthy", up["status"]!.GetValue<string>());
            var qpu = Solver(up, "Chimera_C16_test");
            Assert.True(qpu["reachable"]!.GetValue<bool>());
            Assert.Equal("ONLINE", qpu["status"]!.GetValue<string>());
            Assert.Equal("qpu:Chimera_C16_test", qpu["sampler"]!.GetValue<string>());

            server.Faults.QpuOffline = true;
            var offline = await HealthAsync(client);
            Assert.Equal("Degraded", offline["status"]!.GetValue<string>());
            Assert.Contains("Chimera_C16_test", offline["description"]!.GetValue<string>(), StringComparison.Ordinal);

            await server.DisposeAsync();
            var down = await HealthAsync(client);
            Assert.Equal("Degraded", down["status"]!.GetValue<string>());
            Assert.All(down["data"]!["remote"]!.AsArray(), s => Assert.False(s!["reachable"]!.GetValue<bool>()));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task<JsonObject> HealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/quantum");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadObjectAsync())["checks"]!["quantum"]!.AsObject();
    }

    private static JsonObject Solver(JsonObject check, string name) =>
        check["data"]!["remote"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == name)!.AsObject();
}
