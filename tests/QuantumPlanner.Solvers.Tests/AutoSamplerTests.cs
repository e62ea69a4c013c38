using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Auto;

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
}
