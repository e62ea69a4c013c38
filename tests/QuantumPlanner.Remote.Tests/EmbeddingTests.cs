using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Embedding;
using QuantumPlanner.SapiServer;
using QuantumPlanner.Solvers.Sampling.Exact;

namespace QuantumPlanner.Remote.Tests;

public sealed class EmbeddingTests
{
    private static readonly WorkingGraph Chimera = Graph();
    private static readonly WorkingGraph Pegasus = PegasusGraph();

    [Theory]
    [InlineData(8, 0.5, 2UL)]
    [InlineData(12, 0.3, 2UL)]
    [InlineData(16, 0.2, 3UL)]
    public void MinorEmbedder_SparseRandomModel_ChainsAreDisjointConnectedAndCoverEveryInteraction(int n, double density, ulong seed)
    {
        var model = RandomModel(n, density, seed);
        var source = ChainEmbedding.SourceGraph(model);

        var chains = MinorEmbedder.Find(source, Chimera, seed);

        Assert.NotNull(chains);
        Assert.True(MinorEmbedder.IsValid(source, Chimera, chains));
        Assert.DoesNotContain(chains.SelectMany(c => c), q => new SapiServerOptions().MissingQubits.Contains(Chimera.Qubits[q]));
    }

    [Theory]
    [InlineData("chimera", 8, 1UL)]
    [InlineData("chimera", 12, 2UL)]
    [InlineData("pegasus", 16, 1UL)]
    [InlineData("pegasus", 12, 2UL)]
    public void MinorEmbedder_CompleteGraphs_AreEmbeddedValidlyWithChainsNoLongerThanTheCliqueConstructionsTwice(string topology, int n, ulong seed)
    {
        var graph = topology == "pegasus" ? Pegasus : Chimera;
        var source = Complete(n);

        var chains = MinorEmbedder.Find(source, graph, seed);

        Assert.NotNull(chains);
        Assert.True(MinorEmbedder.IsValid(source, graph, chains));
        // The native clique constructions use chains of ⌈n/4⌉ + 1 qubits.
        Assert.True(chains.Max(c => c.Length) <= 2 * (((n + 3) / 4) + 1), $"longest chain {chains.Max(c => c.Length)}");
    }

    [Fact]
    public void MinorEmbedder_MoreTries_NeverWorseThanTheFirstTryAlone()
    {
        var source = ChainEmbedding.SourceGraph(RandomModel(16, 0.4, 7));

        var one = MinorEmbedder.Find(source, Pegasus, 5, tries: 1);
        var four = MinorEmbedder.Find(source, Pegasus, 5, tries: 4);

        Assert.NotNull(one);
        Assert.NotNull(four);
        Assert.True(MinorEmbedder.Quality(four).CompareTo(MinorEmbedder.Quality(one)) <= 0);
    }

    [Fact]
    public void MinorEmbedder_AnyWorkingGraph_EmbedsOntoAKingsGraphWithAHole()
    {
        // A 12×12 king's graph (each qubit coupled to its eight surrounding ones) without its centre 2×2.
        const int side = 12;
        var hole = new HashSet<int> { (5 * side) + 5, (5 * side) + 6, (6 * side) + 5, (6 * side) + 6 };
        var qubits = Enumerable.Range(0, side * side).Where(q => !hole.Contains(q)).ToArray();
        var couplers = new List<(int, int)>();
        foreach (var q in qubits)
        {
            var (row, column) = Math.DivRem(q, side);
            foreach (var (dr, dc) in new[] { (0, 1), (1, -1), (1, 0), (1, 1) })
            {
                var (r, c) = (row + dr, column + dc);
                if (r < side && c >= 0 && c < side && !hole.Contains((r * side) + c))
                {
                    couplers.Add((q, (r * side) + c));
                }
            }
        }

        var graph = new WorkingGraph(qubits, couplers);
        var source = Complete(8);

        var chains = MinorEmbedder.Find(source, graph, 3);

        Assert.NotNull(chains);
        Assert.True(MinorEmbedder.IsValid(source, graph, chains));
        Assert.DoesNotContain(chains.SelectMany(c => c), q => hole.Contains(graph.Qubits[q]));
    }

    [Fact]
    public void PegasusClique_TwentyVariablesOnP6_FitsALayerAroundTheMissingQubits()
    {
        var source = Complete(20);

        var chains = PegasusTopology.CliqueEmbedding(source, Pegasus, 6);

        Assert.NotNull(chains);
        Assert.True(MinorEmbedder.IsValid(source, Pegasus, chains));
        Assert.Equal(6, chains.Max(c => c.Length));
        Assert.Null(PegasusTopology.CliqueEmbedding(Complete(21), Pegasus, 6));
    }

    [Theory]
    [InlineData(8, 1.0, 1UL)]
    [InlineData(20, 0.3, 2UL)]
    [InlineData(30, 1.0, 3UL)]
    public void CliqueEmbedding_AnyModelUpTo30Variables_IsValidAroundMissingQubits(int n, double density, ulong seed)
    {
        var source = ChainEmbedding.SourceGraph(RandomModel(n, density, seed));

        var chains = ChimeraCliqueEmbedding.Find(source, Chimera, 16);

        Assert.NotNull(chains);
        Assert.True(MinorEmbedder.IsValid(source, Chimera, chains));
        Assert.Equal((n + 3) / 4 + 1, chains.Max(c => c.Length));
    }

    [Fact]
    public void IsValid_OverlappingChains_IsFalse()
    {
        int[][] source = [[1], [0]];

        Assert.False(MinorEmbedder.IsValid(source, Chimera, [[0], [0]]));
        Assert.False(MinorEmbedder.IsValid(source, Chimera, [[0], [1]]));
        Assert.True(MinorEmbedder.IsValid(source, Chimera, [[0], [4]]));
    }

    [Fact]
    public void Embed_IntactChains_EnergyOnQubitsEqualsModelEnergyForEveryState()
    {
        var model = RandomModel(10, 0.6, 5).ChangeVartype(Vartype.Spin);
        var source = ChainEmbedding.SourceGraph(model);
        var embedding = new ChainEmbedding(Chimera, ChimeraCliqueEmbedding.Find(source, Chimera, 16)!);
        var problem = embedding.Embed(model, ChainEmbedding.UniformTorqueCompensation(model));

        for (var state = 0; state < 1 << 10; state++)
        {
            var logical = new sbyte[10];
            var spins = new Dictionary<int, sbyte>();
            for (var v = 0; v < 10; v++)
            {
                logical[v] = (sbyte)(((state >> v) & 1) == 1 ? 1 : -1);
                foreach (var q in embedding.Chains[v])
                {
                    spins[Chimera.Qubits[q]] = logical[v];
                }
            }

            Assert.Equal(model.Energy(logical), QubitEnergy(problem, spins), 9);
        }
    }

    [Fact]
    public void Embed_GroundStateOfEmbeddedProblem_UnembedsToModelGroundState()
    {
        var model = RandomModel(8, 0.5, 2).ChangeVartype(Vartype.Spin);
        var source = ChainEmbedding.SourceGraph(model);
        var embedding = new ChainEmbedding(Chimera, MinorEmbedder.Find(source, Chimera, 2)!);
        var problem = embedding.Embed(model, ChainEmbedding.UniformTorqueCompensation(model));
        var active = problem.Linear.Keys.Order().ToArray();
        Assert.True(active.Length <= 30, $"{active.Length} qubits are too many to enumerate.");
        var onQubits = new BinaryQuadraticModel(Vartype.Spin);
        foreach (var q in active)
        {
            onQubits.AddLinear(onQubits.AddVariable($"{q}"), problem.Linear[q]);
        }

        foreach (var ((u, v), bias) in problem.Quadratic)
        {
            onQubits.TryGetIndex($"{u}", out var a);
            onQubits.TryGetIndex($"{v}", out var b);
            onQubits.AddQuadratic(a, b, bias);
        }

        var ground = new ExactSampler().Sample(onQubits, new SamplerOptions()).Best;
        var (sample, broken) = embedding.Unembed(active, ground.Sample, Vartype.Spin);

        Assert.Equal(0, broken);
        Assert.Equal(new ExactSampler().Sample(model, new SamplerOptions()).Best.Energy, model.Energy(sample), 9);
    }

    [Fact]
    public void Unembed_DisagreeingChain_TakesMajorityAndCountsTheBreak()
    {
        // Variable 0 on the chain (0, 4, 1): qubits 0-4 and 4-1 are coupled within cell 0.
        var embedding = new ChainEmbedding(Chimera, [[Chimera.IndexOf(0), Chimera.IndexOf(4), Chimera.IndexOf(1)], [Chimera.IndexOf(2)]]);
        int[] active = [0, 1, 2, 4];

        var (sample, broken) = embedding.Unembed(active, [1, -1, -1, 1], Vartype.Binary);

        Assert.Equal([(sbyte)1, 0], sample);
        Assert.Equal(1, broken);
        var (intact, none) = embedding.Unembed(active, [-1, -1, 1, -1], Vartype.Spin);
        Assert.Equal([(sbyte)-1, 1], intact);
        Assert.Equal(0, none);
    }

    [Fact]
    public void UniformTorqueCompensation_IsPrefactorTimesRmsTimesRootOfMeanDegree()
    {
        var model = new BinaryQuadraticModel(Vartype.Spin, 3);
        model.AddQuadratic(0, 1, 1);
        model.AddQuadratic(1, 2, -3);

        // RMS(J) = √5, mean degree = 4/3.
        Assert.Equal(1.414 * Math.Sqrt(5) * Math.Sqrt(4.0 / 3), ChainEmbedding.UniformTorqueCompensation(model), 12);
        Assert.Equal(1.0, ChainEmbedding.UniformTorqueCompensation(new BinaryQuadraticModel(Vartype.Spin, 2)));
    }

    private static double QubitEnergy(Sapi.QpuProblem problem, Dictionary<int, sbyte> spins)
    {
        var energy = problem.Offset;
        foreach (var (q, h) in problem.Linear)
        {
            energy += h * spins[q];
        }

        foreach (var ((u, v), j) in problem.Quadratic)
        {
            energy += j * spins[u] * spins[v];
        }

        return energy;
    }

    private static BinaryQuadraticModel RandomModel(int n, double density, ulong seed)
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
                    model.AddQuadratic(i, j, random.Next(-5, 6) is var b && b != 0 ? b : 1);
                }
            }
        }

        return model;
    }

    private static int[][] Complete(int n) => [.. Enumerable.Range(0, n).Select(v => Enumerable.Range(0, n).Where(u => u != v).ToArray())];

    private static WorkingGraph PegasusGraph()
    {
        var options = new SapiServerOptions();
        var (qubits, couplers) = PegasusTopology.Create(options.PegasusSize, options.PegasusMissingQubits);
        return new WorkingGraph(qubits, couplers);
    }

    private static WorkingGraph Graph()
    {
        var (qubits, couplers) = ChimeraTopology.Create(16, new SapiServerOptions().MissingQubits);
        return new WorkingGraph(qubits, couplers);
    }
}
