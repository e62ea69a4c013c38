using QuantumPlanner.Remote.Embedding;

namespace QuantumPlanner.Remote.Tests;

/// <summary>The Pegasus generator against the figures dwave-networkx and D-Wave publish for P(m).</summary>
public sealed class PegasusTopologyTests
{
    [Fact]
    public void P16_HasTheAdvantageChipsQubitAndCouplerCounts()
    {
        var (qubits, couplers) = PegasusTopology.Create(16);

        Assert.Equal(5640, qubits.Length);
        Assert.Equal(40484, couplers.Length);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(16)]
    public void Fabric_Has24mTimesMMinus1Minus8TimesMMinus1QubitsAndDegree15(int m)
    {
        var (qubits, couplers) = PegasusTopology.Create(m);
        var graph = new WorkingGraph(qubits, couplers);

        Assert.Equal((24 * m * (m - 1)) - (8 * (m - 1)), qubits.Length);
        Assert.Equal(qubits.Length, qubits.Distinct().Count());
        Assert.All(couplers, c => Assert.True(c.U < c.V && qubits.Contains(c.U) && qubits.Contains(c.V)));
        Assert.Equal(couplers.Length, couplers.Distinct().Count());
        // Degree 15 needs a qubit with neighbours on both sides of its line, which P2 and P3 are too short for.
        Assert.Equal(m >= 4 ? 15 : 11 + m, graph.Neighbours.Max(n => n.Length));
        Assert.True(IsConnected(graph), "the fabric is one connected piece");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(16)]
    public void WithoutFabricCut_Has24mTimesMMinus1QubitsAnd12Times15TimesMMinus1SquaredPlusMMinus3Couplers(int m)
    {
        var (qubits, couplers) = PegasusTopology.Create(m, fabricOnly: false);

        Assert.Equal(24 * m * (m - 1), qubits.Length);
        Assert.Equal(12 * ((15 * (m - 1) * (m - 1)) + m - 3), couplers.Length);
    }

    [Fact]
    public void NiceCoordinates_EachOfTheThreeLayersHoldsChimeraOfMMinus1()
    {
        const int m = 4;
        var (qubits, couplers) = PegasusTopology.Create(m);
        var graph = new WorkingGraph(qubits, couplers);
        var (chimeraQubits, chimeraCouplers) = ChimeraTopology.Create(m - 1);
        int Nice(int t, int chimeraQubit)
        {
            // Chimera label ((y·(m−1) + x)·2 + u)·4 + k.
            var (rest, k) = Math.DivRem(chimeraQubit, 4);
            (rest, var u) = Math.DivRem(rest, 2);
            var (y, x) = Math.DivRem(rest, m - 1);
            var (pu, pw, pk, pz) = PegasusTopology.FromNice(t, y, x, u, k);
            Assert.Equal((t, y, x, u, k), PegasusTopology.ToNice(pu, pw, pk, pz));
            return PegasusTopology.Linear(m, pu, pw, pk, pz);
        }

        var nice = new HashSet<int>();
        for (var t = 0; t < 3; t++)
        {
            foreach (var q in chimeraQubits)
            {
                Assert.True(nice.Add(Nice(t, q)));
            }

            foreach (var (a, b) in chimeraCouplers)
            {
                Assert.True(graph.AreCoupled(graph.IndexOf(Nice(t, a)), graph.IndexOf(Nice(t, b))), $"layer {t}: Chimera coupler ({a}, {b})");
            }
        }

        Assert.Equal(24 * (m - 1) * (m - 1), nice.Count);
    }

    [Fact]
    public void LinearLabels_RoundTripThroughPegasusIndices()
    {
        const int m = 6;
        foreach (var q in PegasusTopology.Create(m, fabricOnly: false).Qubits)
        {
            var (u, w, k, z) = PegasusTopology.ToPegasus(m, q);
            Assert.Equal(q, PegasusTopology.Linear(m, u, w, k, z));
        }

        // dwave-networkx's documented example: P2's nice (0, 0, 0, 0, 0) is Pegasus (0, 0, 4, 0), linear 4.
        Assert.Equal((0, 0, 4, 0), PegasusTopology.FromNice(0, 0, 0, 0, 0));
        Assert.Equal(4, PegasusTopology.Linear(2, 0, 0, 4, 0));
    }

    [Fact]
    public void MissingQubits_TakeTheirCouplersWithThem()
    {
        var (all, allCouplers) = PegasusTopology.Create(6);
        var missing = new HashSet<int> { all[0], all[100], all[500] };

        var (qubits, couplers) = PegasusTopology.Create(6, missing);

        Assert.Equal(all.Length - 3, qubits.Length);
        Assert.Equal(allCouplers.Count(c => !missing.Contains(c.U) && !missing.Contains(c.V)), couplers.Length);
        Assert.DoesNotContain(couplers, c => missing.Contains(c.U) || missing.Contains(c.V));
    }

    private static bool IsConnected(WorkingGraph graph)
    {
        var seen = new bool[graph.Count];
        var stack = new Stack<int>([0]);
        seen[0] = true;
        var count = 1;
        while (stack.Count > 0)
        {
            foreach (var r in graph.Neighbours[stack.Pop()])
            {
                if (!seen[r])
                {
                    seen[r] = true;
                    count++;
                    stack.Push(r);
                }
            }
        }

        return count == graph.Count;
    }
}
