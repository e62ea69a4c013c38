using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling.Decomposition;
using QuantumPlanner.Solvers.Sampling.Exact;
using QuantumPlanner.Solvers.Sampling.Tabu;

namespace QuantumPlanner.Solvers.Tests.Decomposition;

public sealed class DecomposingSamplerTests
{
    [Theory]
    [InlineData("bqp50.1.txt", 2098, SubproblemSelection.EnergyImpact)]
    [InlineData("bqp100.1.txt", 7970, SubproblemSelection.EnergyImpact)]
    [InlineData("bqp100.1.txt", 7970, SubproblemSelection.BreadthFirst)]
    public void Sample_BeasleyInstanceWithExactSubproblemsOf16_ReachesTheOptimum(string file, double optimum, SubproblemSelection selection)
    {
        var problem = QuboFiles.Read(Path.Combine(AppContext.BaseDirectory, "Data", file));
        var sampler = new DecomposingSampler(new ExactSampler(), new DecompositionSettings { SubproblemSize = 16, Selection = selection, TabuSweeps = 1 });
        var start = new sbyte[problem.Model.VariableCount];

        // From all zeros, so the subproblems (not a tabu warm start) do the work.
        var result = sampler.Sample(problem.Model, new SamplerOptions { Seed = 3, Sweeps = 30, TargetEnergy = problem.EnergyOf(optimum), InitialStates = [start] });

        Assert.Equal(optimum, problem.ObjectiveOf(result.Best.Energy));
        Assert.Equal(problem.Model.Energy(result.Best.Sample), result.Best.Energy);
        Assert.True((long)result.Info["spliced"] > 0, "no subproblem answer was spliced back");
    }

    [Theory]
    [InlineData(Vartype.Binary)]
    [InlineData(Vartype.Spin)]
    public void Clamp_AnyAssignmentOfTheChunk_SubEnergyDiffersFromModelEnergyByOneConstant(Vartype vartype)
    {
        var model = RandomModels.Create(vartype, 30, 0.4, integral: false, seed: 17);
        var rng = new Random(5);
        var state = Enumerable.Range(0, 30).Select(_ => (sbyte)(rng.Next(2) == 0 ? (vartype == Vartype.Spin ? -1 : 0) : 1)).ToArray();
        int[] chunk = [3, 7, 8, 15, 22, 29];
        var (sub, current) = DecomposingSampler.Clamp(model, model.ToCsr(), state, chunk);
        var constant = model.Energy(state) - sub.Energy(current);

        for (var bits = 0; bits < 1 << chunk.Length; bits++)
        {
            var values = Enumerable.Range(0, chunk.Length).Select(k => (sbyte)(((bits >> k) & 1) == 1 ? 1 : (vartype == Vartype.Spin ? -1 : 0))).ToArray();
            var whole = (sbyte[])state.Clone();
            for (var k = 0; k < chunk.Length; k++)
            {
                whole[chunk[k]] = values[k];
            }

            Assert.Equal(model.Energy(whole), sub.Energy(values) + constant, 9);
        }
    }

    [Theory]
    [InlineData(SubproblemSelection.EnergyImpact)]
    [InlineData(SubproblemSelection.BreadthFirst)]
    public void Subproblems_OneRound_PartitionTheVariables(SubproblemSelection selection)
    {
        var model = RandomModels.Create(Vartype.Binary, 95, 0.05, integral: true, seed: 2);
        var sampler = new DecomposingSampler(new TabuSampler(), new DecompositionSettings { SubproblemSize = 20, Selection = selection });

        var chunks = sampler.Subproblems(model.ToCsr(), new sbyte[95], new double[95], spin: false).ToArray();

        Assert.Equal(Enumerable.Range(0, 95), chunks.SelectMany(c => c).Order());
        Assert.All(chunks, c => Assert.True(c.Length <= 20));
    }

    [Fact]
    public void Sample_SameSeed_SameSample()
    {
        var model = RandomModels.Create(Vartype.Spin, 80, 0.1, integral: true, seed: 4);
        var sampler = new DecomposingSampler(new TabuSampler(), new DecompositionSettings { SubproblemSize = 25 });
        var options = new SamplerOptions { Seed = 9, Sweeps = 3 };

        Assert.Equal(sampler.Sample(model, options).Best.Sample, sampler.Sample(model, options).Best.Sample);
    }

    [Fact]
    public void Sample_ModelNoLargerThanASubproblem_GoesToTheSubSampler()
    {
        var model = RandomModels.Create(Vartype.Binary, 12, 0.5, integral: true, seed: 1);

        var result = new DecomposingSampler(new ExactSampler()).Sample(model, new SamplerOptions());

        Assert.Equal(new ExactSampler().Sample(model, new SamplerOptions()).Best.Energy, result.Best.Energy);
    }
}
