using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling.Descent;

namespace QuantumPlanner.Solvers.Tests;

public sealed class SteepestDescentTests
{
    [Theory]
    [InlineData(Vartype.Binary)]
    [InlineData(Vartype.Spin)]
    public void Polish_RandomStart_EndsInLocalMinimumNoWorseThanStart(Vartype vartype)
    {
        var model = RandomModels.Create(vartype, 40, 0.3, integral: false, seed: 31);
        var sample = new sbyte[40];
        for (var i = 0; i < sample.Length; i++)
        {
            sample[i] = vartype == Vartype.Binary ? (sbyte)(i % 2) : (sbyte)(i % 3 == 0 ? 1 : -1);
        }

        var start = model.Energy(sample);
        var energy = SteepestDescent.Polish(model.ToCsr(), sample);

        Assert.True(energy <= start);
        Assert.Equal(model.Energy(sample), energy, 9);
        for (var i = 0; i < sample.Length; i++)
        {
            var flipped = (sbyte[])sample.Clone();
            flipped[i] = vartype == Vartype.Binary ? (sbyte)(1 - flipped[i]) : (sbyte)-flipped[i];
            Assert.True(model.Energy(flipped) >= energy - 1e-9, $"flipping variable {i} still lowers the energy");
        }
    }
}
