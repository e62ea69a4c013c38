namespace QuantumPlanner.Remote.Embedding;

/// <summary>
/// The native clique embedding of Chimera: in a block of k×k cells, the chain of variable (i, t) runs along the
/// horizontal qubit t of row i over columns 0..i and down the vertical qubit t of column i over rows i..k−1, k+1
/// qubits in all; any two such chains meet in a cell, so the block holds K_4k and with it every graph of at most
/// 4k variables. Chains that touch a missing qubit are skipped, and blocks are tried at every offset and size until
/// enough intact chains are found. Instant where the general heuristic (<see cref="MinorEmbedder"/>) needs seconds
/// and often fails on dense models.
/// </summary>
public static class ChimeraCliqueEmbedding
{
    /// <summary>Chains (dense indices of <paramref name="graph"/>) for <paramref name="sourceNeighbours"/>, or null.</summary>
    public static int[][]? Find(IReadOnlyList<int[]> sourceNeighbours, WorkingGraph graph, int m) =>
        Find(sourceNeighbours, graph, m, (row, column, u, t) => ((((row * m) + column) * 2) + u) * 4 + t);

    /// <summary>
    /// The same on any graph that contains a Chimera C(m) whose qubit (row, column, u, t) has the solver label
    /// <paramref name="label"/> gives, such as each of Pegasus's three nice-coordinate layers.
    /// </summary>
    public static int[][]? Find(IReadOnlyList<int[]> sourceNeighbours, WorkingGraph graph, int m, Func<int, int, int, int, int> label)
    {
        ArgumentNullException.ThrowIfNull(sourceNeighbours);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(label);
        var n = sourceNeighbours.Count;
        var present = new HashSet<int>(graph.Qubits);
        for (var k = Math.Max(1, (n + 3) / 4); k <= m; k++)
        {
            for (var r0 = 0; r0 + k <= m; r0++)
            {
                for (var c0 = 0; c0 + k <= m; c0++)
                {
                    var intact = new List<int[]>();
                    for (var i = 0; i < k && intact.Count < n; i++)
                    {
                        for (var t = 0; t < 4 && intact.Count < n; t++)
                        {
                            var chain = new List<int>();
                            for (var column = 0; column <= i; column++)
                            {
                                chain.Add(label(r0 + i, c0 + column, 1, t));
                            }

                            for (var row = i; row < k; row++)
                            {
                                chain.Add(label(r0 + row, c0 + i, 0, t));
                            }

                            if (chain.All(present.Contains))
                            {
                                intact.Add([.. chain.Select(graph.IndexOf).Order()]);
                            }
                        }
                    }

                    if (intact.Count >= n && MinorEmbedder.IsValid(sourceNeighbours, graph, intact))
                    {
                        return [.. intact];
                    }
                }
            }
        }

        return null;
    }
}
