namespace QuantumPlanner.Remote.Embedding;

/// <summary>
/// The Pegasus topology P(m) of D-Wave's Advantage systems, with the default offsets and the qubit numbering of
/// dwave-networkx, so the labels match a real solver's <c>properties.qubits</c>. A qubit's Pegasus index is
/// (u, w, k, z): orientation u (0 vertical, 1 horizontal), major offset w &lt; m, minor offset k &lt; 12 and parallel
/// offset z &lt; m − 1; its linear label is ((u·m + w)·12 + k)·(m − 1) + z. Each qubit is coupled to the next one on its
/// line (external), to its odd partner k ^ 1 (odd) and to the crossing qubits of the other orientation (internal), at
/// most 15 couplers in all. The fabric (default) keeps only the largest connected part: 24m(m − 1) − 8(m − 1) qubits,
/// 5640 for P16 as on an Advantage chip.
/// </summary>
public static class PegasusTopology
{
    private const int Tile = 12;

    // Offset list 0 of dwave-networkx: where each vertical (S0) and horizontal (S1) line of a tile starts.
    private static readonly int[] VerticalOffsets = [2, 2, 2, 2, 10, 10, 10, 10, 6, 6, 6, 6];
    private static readonly int[] HorizontalOffsets = [6, 6, 6, 6, 2, 2, 2, 2, 10, 10, 10, 10];

    public static (int[] Qubits, (int U, int V)[] Couplers) Create(int m, IReadOnlySet<int>? missing = null, bool fabricOnly = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 2);
        var m1 = m - 1;

        // Outside the fabric: the first lines of the first tile and the last lines of the last tile of each
        // orientation only touch each other, never the rest.
        var start = fabricOnly ? new[] { HorizontalOffsets.Min(), VerticalOffsets.Min() } : [0, 0];
        var end = fabricOnly ? new[] { Tile - HorizontalOffsets.Max(), Tile - VerticalOffsets.Max() } : [0, 0];
        bool InFabric(int u, int w, int k) => (w != 0 || k >= start[u]) && (w != m1 || k < Tile - end[u]);
        bool Works(int q) => missing is null || !missing.Contains(q);
        int Q(int u, int w, int k, int z) => Linear(m, u, w, k, z);

        var qubits = new List<int>();
        for (var u = 0; u < 2; u++)
        {
            for (var w = 0; w < m; w++)
            {
                for (var k = 0; k < Tile; k++)
                {
                    for (var z = 0; z < m1; z++)
                    {
                        if (InFabric(u, w, k) && Works(Q(u, w, k, z)))
                        {
                            qubits.Add(Q(u, w, k, z));
                        }
                    }
                }
            }
        }

        var couplers = new List<(int, int)>();
        void Add(int u0, int w0, int k0, int z0, int u1, int w1, int k1, int z1)
        {
            if (InFabric(u0, w0, k0) && InFabric(u1, w1, k1))
            {
                var (a, b) = (Q(u0, w0, k0, z0), Q(u1, w1, k1, z1));
                if (Works(a) && Works(b))
                {
                    couplers.Add((Math.Min(a, b), Math.Max(a, b)));
                }
            }
        }

        for (var u = 0; u < 2; u++)
        {
            for (var w = 0; w < m; w++)
            {
                for (var k = 0; k < Tile; k++)
                {
                    for (var z = 0; z < m1; z++)
                    {
                        if (z + 1 < m1)
                        {
                            Add(u, w, k, z, u, w, k, z + 1);
                        }

                        if (k % 2 == 0)
                        {
                            Add(u, w, k, z, u, w, k + 1, z);
                        }
                    }
                }
            }
        }

        // A vertical qubit (0, w, k, z) crosses the horizontal qubits kk of tile z (or z + 1, by the offsets) on
        // line w (or w − 1); the first and last tiles lack the crossings that would fall outside the lattice.
        for (var w = 0; w < m; w++)
        {
            for (var kk = 0; kk < Tile; kk++)
            {
                var from = w == 0 ? HorizontalOffsets[kk] : 0;
                var to = w < m1 ? Tile : HorizontalOffsets[kk];
                for (var k = from; k < to; k++)
                {
                    for (var z = 0; z < m1; z++)
                    {
                        Add(0, w, k, z, 1, z + (kk < VerticalOffsets[k] ? 1 : 0), kk, w - (k < HorizontalOffsets[kk] ? 1 : 0));
                    }
                }
            }
        }

        return ([.. qubits], [.. couplers.Distinct().Order()]);
    }

    /// <summary>The linear label of Pegasus index (u, w, k, z) in P(m).</summary>
    public static int Linear(int m, int u, int w, int k, int z) => ((((u * m) + w) * Tile) + k) * (m - 1) + z;

    /// <summary>The Pegasus index (u, w, k, z) of a linear label in P(m).</summary>
    public static (int U, int W, int K, int Z) ToPegasus(int m, int linear)
    {
        var (rest, z) = Math.DivRem(linear, m - 1);
        (rest, var k) = Math.DivRem(rest, Tile);
        var (u, w) = Math.DivRem(rest, m);
        return (u, w, k, z);
    }

    /// <summary>
    /// The Pegasus index of nice coordinate (t, y, x, u, k), t &lt; 3, y, x &lt; m − 1, k &lt; 4: for each t the qubits form a
    /// Chimera C(m − 1) with K4,4 cells (plus the odd couplers), so Chimera constructions carry over three times.
    /// </summary>
    public static (int U, int W, int K, int Z) FromNice(int t, int y, int x, int u, int k) => t switch
    {
        0 => (u, u == 1 ? y + 1 : x, 4 + k, u == 1 ? x : y),
        1 => (u, u == 1 ? y + 1 : x, u == 1 ? k : 8 + k, u == 1 ? x : y),
        2 => (u, u == 1 ? y : x + 1, u == 1 ? 8 + k : k, u == 1 ? x : y),
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "A nice coordinate's t is 0, 1 or 2."),
    };

    /// <summary>The nice coordinate (t, y, x, u, k) of a Pegasus index; the inverse of <see cref="FromNice"/>.</summary>
    public static (int T, int Y, int X, int U, int K) ToNice(int u, int w, int k, int z)
    {
        var t = (((2 - u - (((2 * u) - 1) * (k / 4))) % 3) + 3) % 3;
        return t switch
        {
            0 => (0, u == 1 ? w - 1 : z, u == 1 ? z : w, u, k - 4),
            1 => (1, u == 1 ? w - 1 : z, u == 1 ? z : w, u, u == 1 ? k : k - 8),
            _ => (2, u == 1 ? w : z, u == 1 ? z : w - 1, u, u == 1 ? k - 8 : k),
        };
    }

    /// <summary>
    /// A clique embedding on P(m): each nice-coordinate layer is a Chimera C(m − 1), so the Chimera construction holds
    /// K_4(m−1) there (K20 on P6, K60 on P16) in chains of at most m qubits. The layers are tried in turn, each around
    /// the missing qubits; null when none fits.
    /// </summary>
    public static int[][]? CliqueEmbedding(IReadOnlyList<int[]> sourceNeighbours, WorkingGraph graph, int m)
    {
        for (var t = 0; t < 3; t++)
        {
            var layer = t;
            var chains = ChimeraCliqueEmbedding.Find(sourceNeighbours, graph, m - 1, (row, column, u, k) =>
            {
                var (pu, pw, pk, pz) = FromNice(layer, row, column, u, k);
                return Linear(m, pu, pw, pk, pz);
            });
            if (chains is not null)
            {
                return chains;
            }
        }

        return null;
    }
}
