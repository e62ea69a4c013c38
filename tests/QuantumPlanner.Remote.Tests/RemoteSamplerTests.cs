using System.Diagnostics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sampling;
using QuantumPlanner.Remote.Sapi;
using QuantumPlanner.SapiServer;
using QuantumPlanner.Solvers.Sampling.Exact;
using QuantumPlanner.Solvers.Sampling.Tabu;

namespace QuantumPlanner.Remote.Tests;

public sealed class RemoteSamplerTests(SapiServerFixture fixture) : IClassFixture<SapiServerFixture>
{
    [Theory]
    [InlineData("chimera", true, 1UL)]
    [InlineData("chimera", true, 2UL)]
    [InlineData("chimera", false, 3UL)]
    [InlineData("pegasus", true, 1UL)]
    [InlineData("pegasus", false, 2UL)]
    [InlineData("pegasus", false, 3UL)]
    public void Qpu_TwentyVariableModel_EmbedsSolvesUnembedsToGroundStateWithFewChainBreaks(string topology, bool cliqueFirst, ulong seed)
    {
        var model = RandomModel(20, 0.25, seed);
        using var client = new SapiClient(fixture.Configuration);
        var solver = topology == "pegasus" ? fixture.Server.Options.PegasusName : fixture.Server.Options.QpuName;
        var sampler = new QpuSampler(client, solver) { CliqueFirst = cliqueFirst };

        var result = sampler.Sample(model, new SamplerOptions { Seed = seed, Reads = 50 });

        Assert.Equal(cliqueFirst ? "clique" : "heuristic", result.Info["embedding"]);
        Assert.Equal(new ExactSampler().Sample(model, new SamplerOptions()).Best.Energy, result.Best.Energy, 9);
        Assert.Equal(50, result.TotalReads);
        var fraction = (double)result.Info["chain_break_fraction"];
        Assert.True(fraction < 0.05, $"chain-break fraction {fraction:P1}");
        Assert.All(result.Records, r => Assert.Equal(model.Energy(r.Sample), r.Energy));
        Assert.True((int)result.Info["max_chain_length"] >= 1);
    }

    [Fact]
    public void Qpu_SameSeed_SameSampleSet()
    {
        var model = RandomModel(12, 0.4, 8);
        using var client = new SapiClient(fixture.Configuration);
        var options = new SamplerOptions { Seed = 4, Reads = 20 };

        var first = new QpuSampler(client, fixture.Server.Options.QpuName).Sample(model, options);
        var second = new QpuSampler(client, fixture.Server.Options.QpuName).Sample(model, options);

        Assert.Equal(first.Records.Select(r => (r.Energy, r.Occurrences)), second.Records.Select(r => (r.Energy, r.Occurrences)));
    }

    [Fact]
    public void Hybrid_Model_MatchesExactGroundStateWithOffset()
    {
        var model = RandomModel(18, 0.5, 6);
        model.Offset = 2.5;
        using var client = new SapiClient(fixture.Configuration);

        var result = new HybridSampler(client, fixture.Server.Options.HybridName).Sample(model, new SamplerOptions { Seed = 1, Reads = 3, Sweeps = 200 });

        Assert.Equal(new ExactSampler().Sample(model, new SamplerOptions()).Best.Energy, result.Best.Energy, 9);
        Assert.Equal(0.05 + (17 * 0.45 / 999), (double)result.Info["time_limit"], 9);
    }

    [Fact]
    public async Task Fallback_ServiceDown_AnswersLocallyAndSaysWhy()
    {
        var model = RandomModel(15, 0.4, 2);
        var server = await SapiTestServer.StartAsync();
        var configuration = new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token };
        await server.DisposeAsync();
        var reasons = new List<string>();
        using var client = new SapiClient(configuration);
        var sampler = new FallbackSampler(new QpuSampler(client, "Chimera_C16_test"), new TabuSampler(), reasons.Add);

        var clock = Stopwatch.StartNew();
        var result = sampler.Sample(model, new SamplerOptions { Seed = 1, Reads = 1, Sweeps = 100 });

        var fallback = Assert.IsType<Dictionary<string, object>>(result.Info["fallback"]);
        Assert.Equal("qpu:Chimera_C16_test", fallback["from"]);
        Assert.Equal("unreachable", fallback["reason"]);
        Assert.Equal(["unreachable"], reasons);
        Assert.Equal(new ExactSampler().Sample(model, new SamplerOptions()).Best.Energy, result.Best.Energy, 9);
        // A liveness bound, not a speed claim: detection plus the local answer take well under the minute a hung call would.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"fallback took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Fallback_SolverOffline_ReasonOffline()
    {
        await using var server = await SapiTestServer.StartAsync();
        server.Faults.QpuOffline = true;
        using var client = new SapiClient(new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token });

        var result = new FallbackSampler(new QpuSampler(client, server.Options.QpuName), new TabuSampler()).Sample(RandomModel(8, 0.5, 1), new SamplerOptions { Seed = 1 });

        Assert.Equal("offline", ((Dictionary<string, object>)result.Info["fallback"])["reason"]);
    }

    [Fact]
    public async Task Fallback_QuotaExhausted_ReasonQuota()
    {
        await using var server = await SapiTestServer.StartAsync();
        server.Faults.QuotaExhausted = true;
        using var client = new SapiClient(new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token });

        var result = new FallbackSampler(new HybridSampler(client, server.Options.HybridName), new TabuSampler()).Sample(RandomModel(8, 0.5, 1), new SamplerOptions { Seed = 1 });

        Assert.Equal("quota", ((Dictionary<string, object>)result.Info["fallback"])["reason"]);
    }

    [Fact]
    public async Task Fallback_ProblemTakesLongerThanRemoteTimeout_ReasonTimeoutAndProblemCancelled()
    {
        await using var server = await SapiTestServer.StartAsync();
        server.Faults.SolveDelay = TimeSpan.FromSeconds(30);
        using var client = new SapiClient(new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token, RemoteTimeout = TimeSpan.FromMilliseconds(500) });

        var result = new FallbackSampler(new QpuSampler(client, server.Options.QpuName), new TabuSampler()).Sample(RandomModel(8, 0.5, 1), new SamplerOptions { Seed = 1 });

        Assert.Equal("timeout", ((Dictionary<string, object>)result.Info["fallback"])["reason"]);
        Assert.Contains(server.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task Fallback_WrongToken_IsNotAnOutageAndThrows()
    {
        await using var server = await SapiTestServer.StartAsync();
        using var client = new SapiClient(new QuantumConfiguration { Endpoint = server.Endpoint, Token = "nope" });

        var error = Assert.Throws<SapiException>(() => new FallbackSampler(new QpuSampler(client, server.Options.QpuName), new TabuSampler()).Sample(RandomModel(8, 0.5, 1), new SamplerOptions { Seed = 1 }));

        Assert.Equal(RemoteFailure.Unauthorized, error.Failure);
    }

    internal static BinaryQuadraticModel RandomModel(int n, double density, ulong seed)
    {
        var random = new Random((int)seed);
        var model = new BinaryQuadraticModel(Vartype.Binary, n);
        for (var i = 0; i < n; i++)
        {
            model.AddLinear(i, random.Next(-5, 6));
            for (var j = i + 1; j < n; j++)
            {
                if (random.NextDouble() < density)
                {
                    model.AddQuadratic(i, j, random.Next(-5, 6));
                }
            }
        }

        return model;
    }
}
