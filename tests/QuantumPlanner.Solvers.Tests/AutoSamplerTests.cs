using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling.Auto;

namespace QuantumPlanner.Solvers.Tests;

public sealed class AutoSamplerTests
{
    [Theory]
    [InlineData(5, "exact")]
    [InlineData(AutoSampler.ExactLimit, "exact")]
    [InlineData(AutoSampler.ExactLimit + 1, "tabu")]
    [InlineData(300, "tabu")]
    public void Sample_ModelSize_ReportsChosenSampler(int n, string expected)
    {
        var model = RandomModels.Create(Vartype.Spin, n, 0.2, integral: true, seed: 6);

        var result = new AutoSampler().Sample(model, new SamplerOptions { Seed = 1, Sweeps = 5 });

        Assert.Equal(expected, result.Info["chosen"]);
        Assert.Equal(model.Energy(result.Best.Sample), result.Best.Energy);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Sample_SparseModelWithTimeLimitAndTarget_StopsAtTheTarget(int threads)
    {
        // A ring of 200 spins: mean degree 2, well under the sparse threshold.
        var model = Ring(200);

        var result = new AutoSampler().Sample(
            model,
            new SamplerOptions { Seed = 3, Threads = threads, TimeLimit = TimeSpan.FromSeconds(5), TargetEnergy = -200 });

        Assert.Contains(result.Info["chosen"], new object[] { "tabu", "tabu+sa", "tabu+sa+tabu" });
        Assert.Equal(-200, result.Best.Energy);
        Assert.Equal(model.Energy(result.Best.Sample), result.Best.Energy);
        Assert.True(result.Timing.Total < TimeSpan.FromSeconds(5), "reaching the target must stop the run");
    }

    [Fact]
    public void Sample_SparseModelWithTimeLimit_ProbesAnnealsAndPolishes()
    {
        var model = RandomModels.Create(Vartype.Spin, 300, 0.01, integral: true, seed: 9);

        var result = new AutoSampler().Sample(model, new SamplerOptions { Seed = 2, TimeLimit = TimeSpan.FromSeconds(3) });

        Assert.Equal("tabu+sa+tabu", result.Info["chosen"]);
        Assert.Contains(result.Info["winner"], new object[] { "tabu@1", "sa@2", "tabu@3" });
        var stages = (double[])result.Info["stageEnergies"];
        Assert.Equal(3, stages.Length);
        Assert.True(stages[2] <= Math.Min(stages[0], stages[1]), "the polish starts from the best states of the probe and the anneal, so it never ends worse");
        Assert.Equal(stages.Min(), result.Best.Energy);
        Assert.Equal(model.Energy(result.Best.Sample), result.Best.Energy);
    }

    [Fact]
    public void Sample_SparseModelUnderSweepBudget_StaysWithTabuWhateverTheThreads()
    {
        var model = RandomModels.Create(Vartype.Spin, 100, 0.02, integral: true, seed: 8);

        var result = new AutoSampler().Sample(model, new SamplerOptions { Seed = 1, Sweeps = 5, Threads = 2 });

        Assert.Equal("tabu", result.Info["chosen"]);
    }

    private static BinaryQuadraticModel Ring(int n)
    {
        var model = new BinaryQuadraticModel(Vartype.Spin, n);
        for (var i = 0; i < n; i++)
        {
            model.AddQuadratic(i, (i + 1) % n, 1.0);
        }

        return model;
    }
}
