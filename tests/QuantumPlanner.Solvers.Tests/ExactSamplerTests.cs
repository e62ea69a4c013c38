using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling.Exact;

namespace QuantumPlanner.Solvers.Tests;

public sealed class ExactSamplerTests
{
    [Fact]
    public void Sample_ModelAboveLimit_RefusesNamingSizeAndAlternatives()
    {
        var model = new BinaryQuadraticModel(Vartype.Binary, ExactSampler.MaxVariables + 1);

        var error = Assert.Throws<ArgumentException>(() => new ExactSampler().Sample(model, new SamplerOptions()));

        Assert.Contains($"n = {ExactSampler.MaxVariables + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains("tabu", error.Message, StringComparison.Ordinal);
        Assert.Contains("'sa'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Vartype.Binary, 1, true)]
    [InlineData(Vartype.Spin, 7, false)]
    [InlineData(Vartype.Binary, 11, false)]
    [InlineData(Vartype.Spin, 12, true)]
    [InlineData(Vartype.Binary, 13, false)]
    [InlineData(Vartype.Spin, 17, true)]
    [InlineData(Vartype.Binary, 19, false)]
    public void Sample_SmallModel_ReturnsLowestStatesOfBruteForce(Vartype vartype, int n, bool integral)
    {
        var model = RandomModels.Create(vartype, n, 0.6, integral, seed: (ulong)n);
        var all = AllStates(model).OrderBy(s => s.Energy).ToList();
        var keep = Math.Min(5, all.Count);

        var result = new ExactSampler().Sample(model, new SamplerOptions { Reads = keep, Threads = 2 });

        Assert.Equal(keep, result.Records.Count);
        for (var r = 0; r < keep; r++)
        {
            Assert.Equal(all[r].Energy, result.Records[r].Energy, 9);
            Assert.Equal(model.Energy(result.Records[r].Sample), result.Records[r].Energy);
        }
    }

    [Fact]
    public void Sample_MoreVariablesThanOneChunk_GivesSameStatesOnOneAndFourThreads()
    {
        var model = RandomModels.Create(Vartype.Spin, 19, 0.4, integral: false, seed: 77);

        var one = new ExactSampler().Sample(model, new SamplerOptions { Reads = 3, Threads = 1 });
        var four = new ExactSampler().Sample(model, new SamplerOptions { Reads = 3, Threads = 4 });

        Assert.Equal(one.Records.Select(r => r.Sample), four.Records.Select(r => r.Sample));
        Assert.Equal(1L << 19, (long)one.Info["states"]);
    }

    [Fact]
    public void Sample_EmptyModel_ReturnsOffset()
    {
        var model = new BinaryQuadraticModel(Vartype.Binary) { Offset = 2.5 };

        var result = new ExactSampler().Sample(model, new SamplerOptions());

        Assert.Equal(2.5, result.Best.Energy);
        Assert.Empty(result.Best.Sample);
    }

    private static IEnumerable<(sbyte[] Sample, double Energy)> AllStates(BinaryQuadraticModel model)
    {
        var n = model.VariableCount;
        for (var s = 0L; s < 1L << n; s++)
        {
            var sample = new sbyte[n];
            for (var i = 0; i < n; i++)
            {
                var bit = (sbyte)((s >> i) & 1);
                sample[i] = model.Vartype == Vartype.Binary ? bit : (sbyte)((2 * bit) - 1);
            }

            yield return (sample, model.Energy(sample));
        }
    }
}
