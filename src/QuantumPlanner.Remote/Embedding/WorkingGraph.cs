namespace QuantumPlanner.Remote.Embedding;

/// <summary>
/// A QPU's working graph: the qubits and couplers that work (missing qubits are simply absent), with dense indices
/// 0..m-1 for the embedder and the qubit labels the solver uses.
/// </summary>
public sealed class WorkingGraph
{
    private readonly Dictionary<int, int> indexOfQubit = [];

    public WorkingGraph(IReadOnlyList<int> qubits, IReadOnlyList<(int U, int V)> couplers)
    {
        ArgumentNullException.ThrowIfNull(qubits);
        ArgumentNullException.ThrowIfNull(couplers);
        Qubits = [.. qubits];
        Couplers = [.. couplers];
        for (var i = 0; i < Qubits.Length; i++)
        {
            indexOfQubit[Qubits[i]] = i;
        }

        var neighbours = new List<int>[Qubits.Length];
        for (var i = 0; i < neighbours.Length; i++)
        {
            neighbours[i] = [];
        }

        foreach (var (u, v) in Couplers)
        {
            if (indexOfQubit.TryGetValue(u, out var a) && indexOfQubit.TryGetValue(v, out var b) && a != b)
            {
                neighbours[a].Add(b);
                neighbours[b].Add(a);
            }
        }

        Neighbours = [.. neighbours.Select(n => n.Distinct().Order().ToArray())];
    }

    public int[] Qubits { get; }

    public (int U, int V)[] Couplers { get; }

    /// <summary>Neighbours of each dense index, sorted.</summary>
    public int[][] Neighbours { get; }

    public int Count => Qubits.Length;

    public int IndexOf(int qubit) => indexOfQubit[qubit];

    public bool AreCoupled(int a, int b) => Array.BinarySearch(Neighbours[a], b) >= 0;
}

/// <summary>
/// The Chimera topology C(m) with K4,4 cells, indexed as dwave-networkx does: qubit ((row·m + column)·2 + u)·4 + k,
/// u = 0 for the vertical half of a cell and 1 for the horizontal half.
/// </summary>
public static class ChimeraTopology
{
    public static (int[] Qubits, (int U, int V)[] Couplers) Create(int m, IReadOnlySet<int>? missing = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        int Q(int row, int column, int u, int k) => ((((row * m) + column) * 2) + u) * 4 + k;
        bool Works(int q) => missing is null || !missing.Contains(q);
        var qubits = Enumerable.Range(0, 8 * m * m).Where(Works).ToArray();
        var couplers = new List<(int, int)>();
        for (var row = 0; row < m; row++)
        {
            for (var column = 0; column < m; column++)
            {
                for (var k = 0; k < 4; k++)
                {
                    for (var k2 = 0; k2 < 4; k2++)
                    {
                        couplers.Add((Q(row, column, 0, k), Q(row, column, 1, k2)));
                    }

                    if (row + 1 < m)
                    {
                        couplers.Add((Q(row, column, 0, k), Q(row + 1, column, 0, k)));
                    }

                    if (column + 1 < m)
                    {
                        couplers.Add((Q(row, column, 1, k), Q(row, column + 1, 1, k)));
                    }
                }
            }
        }

        return (qubits, [.. couplers.Where(c => Works(c.Item1) && Works(c.Item2)).Select(c => (Math.Min(c.Item1, c.Item2), Math.Max(c.Item1, c.Item2))).Order()]);
    }
}
