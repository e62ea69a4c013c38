using QuantumPlanner.Core.Qubo;
using QuantumPlanner.SapiServer;
using QuantumPlanner.Solvers.Sampling.Exact;

namespace QuantumPlanner.Remote.Tests;

public sealed class QuantumConnectivityTests(SapiServerFixture fixture) : IClassFixture<SapiServerFixture>
{
    [Fact]
    public void KnownAnswerModel_HasTheStatedUniqueGroundState()
    {
        var result = new ExactSampler().Sample(QuantumConnectivity.KnownAnswerModel(), new SamplerOptions { Reads = 2 });

        Assert.Equal(QuantumConnectivity.KnownAnswerEnergy, result.Records[0].Energy);
        Assert.Equal([(sbyte)1, 1, 1, 1, 1, 1], result.Records[0].Sample);
        Assert.True(result.Records[1].Energy > QuantumConnectivity.KnownAnswerEnergy);
    }

    [Fact]
    public async Task Check_TestServer_ListsEverySolverOnlineWithLoadAndLatency()
    {
        var solvers = await QuantumConnectivity.CheckAsync(fixture.Configuration);

        Assert.Equal(["qpu:Chimera_C16_test", "qpu:Advantage_P6_test", "hybrid:hybrid_binary_quadratic_model_version2_test"], solvers.Select(s => s.Sampler));
        Assert.All(solvers, s => Assert.True(s.Reachable && s.Status == "ONLINE" && s.LatencyMs >= 0));
        Assert.Equal(0.12, solvers[0].AverageLoad);
    }

    [Fact]
    public async Task Check_ServiceDown_OneUnreachableEntry()
    {
        var server = await SapiTestServer.StartAsync();
        var configuration = new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token };
        await server.DisposeAsync();

        var solvers = await QuantumConnectivity.CheckAsync(configuration);

        var entry = Assert.Single(solvers);
        Assert.False(entry.Reachable);
        Assert.Equal("unreachable", entry.Status);
    }

    [Theory]
    [InlineData("qpu:Chimera_C16_test")]
    [InlineData("qpu:Advantage_P6_test")]
    [InlineData("hybrid:hybrid_binary_quadratic_model_version2_test")]
    [InlineData("Chimera_C16_test")]
    public void KnownAnswerTest_EachSolver_Passes(string solver)
    {
        var result = QuantumConnectivity.RunKnownAnswerTest(fixture.Configuration, solver);

        Assert.True(result.Passed, result.Error);
        Assert.Equal(-7, result.FoundEnergy);
    }

    [Fact]
    public async Task KnownAnswerTest_SolverOffline_FailsWithTheReason()
    {
        await using var server = await SapiTestServer.StartAsync();
        server.Faults.QpuOffline = true;

        var result = QuantumConnectivity.RunKnownAnswerTest(new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token }, "qpu:Chimera_C16_test");

        Assert.False(result.Passed);
        Assert.Contains("OFFLINE", result.Error, StringComparison.Ordinal);
    }
}
