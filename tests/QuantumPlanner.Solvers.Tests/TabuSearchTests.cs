using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Randomness;
using QuantumPlanner.Solvers.Sampling;
using QuantumPlanner.Solvers.Sampling.Tabu;

namespace QuantumPlanner.Solvers.Tests;

/// <summary>Recomputes from scratch what the tabu kernel tracks incrementally, to catch gain-update bugs.</summary>
public sealed class TabuSearchTests
{
    [Theory]
    [InlineData(Vartype.Spin, true)]
    [InlineData(Vartype.Binary, true)]
    [InlineData(Vartype.Binary, false)]
    public void Run_ManyPhasesAndRestarts_TrackedBestEnergyMatchesRecomputedEnergy(Vartype vartype, bool integral)
    {
        var model = RandomModels.Create(vartype, 150, 0.1, integral, seed: 23);
        var binary = BinaryForms.BinaryCsr(model);
        var control = new SearchControl(null, null, null, CancellationToken.None);
        var rng = new Xoshiro256(11);
        var start = new byte[model.VariableCount];
        double tracked;
        sbyte[] best;
        if (BinaryForms.FitsInt(binary))
        {
            var search = new TabuSearch<int>(new BinaryForm<int>(binary), TabuParameters.For(model.VariableCount, 15));
            search.Run(start, ref rng, 200 * 150, long.MaxValue, control);
            (tracked, best) = (search.BestEnergy, BinaryForms.FromBinary(vartype, search.Best));
            Assert.True(search.Phases > 3, $"only {search.Phases} phases ran; the test needs restarts.");
        }
        else
        {
            var search = new TabuSearch<double>(new BinaryForm<double>(binary), TabuParameters.For(model.VariableCount, 15));
            search.Run(start, ref rng, 200 * 150, long.MaxValue, control);
            (tracked, best) = (search.BestEnergy, BinaryForms.FromBinary(vartype, search.Best));
            Assert.True(search.Phases > 3, $"only {search.Phases} phases ran; the test needs restarts.");
        }

        Assert.Equal(model.Energy(best), tracked, 6);
        Assert.Equal(integral, BinaryForms.FitsInt(binary));
    }
}
