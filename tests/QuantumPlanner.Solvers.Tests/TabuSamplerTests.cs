using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling.Descent;
using QuantumPlanner.Solvers.Sampling.Tabu;

namespace QuantumPlanner.Solvers.Tests;

public sealed class TabuSamplerTests
{
    [Fact]
    public void Sample_SparseModelOfTenThousandVariables_GetsWithinTwoPermilleOfPlantedGround()
    {
        var (model, ground) = RandomModels.Planted(10_000, 3, seed: 99);
        var groundEnergy = model.Energy(ground);
        var descent = new SteepestDescentSampler().Sample(model, new SamplerOptions { Seed = 4, Reads = 1 });

        var result = new TabuSampler().Sample(model, new SamplerOptions { Seed = 4, Reads = 1, Sweeps = 3 });

        // Three sweeps (30,000 moves) leave a few small clusters flipped; the point is scale: sparse rows, no n×n matrix.
        Assert.True(result.Best.Energy <= groundEnergy * 0.998, $"tabu reached {result.Best.Energy}; the planted ground is {groundEnergy}.");
        Assert.True(result.Best.Energy < descent.Best.Energy);
        Assert.Equal(model.Energy(result.Best.Sample), result.Best.Energy);
        Assert.Equal("int", result.Info["arithmetic"]);
    }

    [Fact]
    public void Sample_OneOrThreeThreads_ReturnsSameSampleSet()
    {
        var model = RandomModels.Create(Vartype.Binary, 60, 0.2, integral: true, seed: 8);

        var one = new TabuSampler().Sample(model, new SamplerOptions { Seed = 5, Reads = 5, Sweeps = 30, Threads = 1 });
        var three = new TabuSampler().Sample(model, new SamplerOptions { Seed = 5, Reads = 5, Sweeps = 30, Threads = 3 });

        Assert.Equal(one.Records.Select(r => (r.Sample, r.Energy, r.Occurrences)), three.Records.Select(r => (r.Sample, r.Energy, r.Occurrences)));
    }

    [Fact]
    public void Sample_NoSeed_ReportsSeedThatReproducesResult()
    {
        var model = RandomModels.Create(Vartype.Spin, 40, 0.3, integral: false, seed: 12);

        var drawn = new TabuSampler().Sample(model, new SamplerOptions { Reads = 2, Sweeps = 20 });
        var again = new TabuSampler().Sample(model, new SamplerOptions { Seed = (ulong)drawn.Info["seed"], Reads = 2, Sweeps = 20 });

        Assert.Equal(drawn.Records.Select(r => r.Sample), again.Records.Select(r => r.Sample));
        Assert.Equal("double", drawn.Info["arithmetic"]);
    }

    [Fact]
    public void Sample_InitialStateAtGround_ReturnsItWithoutWorsening()
    {
        var (model, ground) = RandomModels.Planted(200, 4, seed: 3);

        var result = new TabuSampler().Sample(model, new SamplerOptions { Seed = 1, Sweeps = 1, InitialStates = [ground] });

        Assert.Equal(ground, result.Best.Sample);
    }

    [Fact]
    public void Sample_ImprovementCallback_SeesEveryNewBestInDecreasingOrder()
    {
        var model = RandomModels.Create(Vartype.Binary, 80, 0.3, integral: true, seed: 17);
        var seen = new List<double>();

        var result = new TabuSampler().Sample(model, new SamplerOptions { Seed = 2, Sweeps = 50, OnImprovement = (e, _) => seen.Add(e) });

        Assert.NotEmpty(seen);
        Assert.Equal(seen.OrderByDescending(e => e), seen);
        Assert.Equal(result.Best.Energy, seen[^1], 9);
    }
}
