using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Remote.Embedding;

/// <summary>
/// Finds a minor embedding of a source graph into a working graph with the heuristic of Cai, Macready and Roy (2014):
/// variables are placed one at a time; a variable's chain is a root qubit plus shortest paths from it to the chains
/// of its already placed neighbours, where a qubit costs (α·round)^(chains already using it), so early rounds may
/// overlap and later rounds are pushed apart ever harder. Each round tears up and re-places every chain; it stops when no qubit is
/// shared, then spends a few more rounds shortening chains (a qubit then costs its use plus one, used ones almost
/// nothing cheaper than a detour), and tries again from another random order when it does not converge.
/// </summary>
public static class MinorEmbedder
{
    private const int MaxRounds = 40;
    private const int PolishRounds = 3;
    private const int Attempts = 4;

    /// <summary>
    /// Chains as dense indices of <paramref name="graph"/>, one per source variable; null when no embedding was found.
    /// <paramref name="sourceNeighbours"/>[v] lists the variables v interacts with.
    /// </summary>
    public static int[][]? Find(IReadOnlyList<int[]> sourceNeighbours, WorkingGraph graph, ulong seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceNeighbours);
        ArgumentNullException.ThrowIfNull(graph);
        var n = sourceNeighbours.Count;
        if (n == 0)
        {
            return [];
        }

        if (n > graph.Count)
        {
            return null;
        }

        var rng = new Xoshiro256(seed);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var chains = TryOnce(sourceNeighbours, graph, ref rng, cancellationToken);
            if (chains is not null)
            {
                return chains;
            }
        }

        return null;
    }

    /// <summary>Whether the chains are disjoint, connected, on working qubits, and realise every source edge.</summary>
    public static bool IsValid(IReadOnlyList<int[]> sourceNeighbours, WorkingGraph graph, IReadOnlyList<int[]> chains)
    {
        ArgumentNullException.ThrowIfNull(sourceNeighbours);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(chains);
        var owner = new int[graph.Count];
        Array.Fill(owner, -1);
        for (var v = 0; v < chains.Count; v++)
        {
            if (chains[v].Length == 0)
            {
                return false;
            }

            foreach (var q in chains[v])
            {
                if (owner[q] != -1)
                {
                    return false;
                }

                owner[q] = v;
            }

            // Connected: a search inside the chain reaches every qubit of it.
            var seen = new HashSet<int> { chains[v][0] };
            var stack = new Stack<int>([chains[v][0]]);
            while (stack.Count > 0)
            {
                foreach (var r in graph.Neighbours[stack.Pop()])
                {
                    if (owner[r] == v && seen.Add(r))
                    {
                        stack.Push(r);
                    }
                }
            }

            if (seen.Count != chains[v].Length)
            {
                return false;
            }
        }

        for (var v = 0; v < chains.Count; v++)
        {
            foreach (var u in sourceNeighbours[v])
            {
                if (!chains[v].Any(q => graph.Neighbours[q].Any(r => owner[r] == u)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static int[][]? TryOnce(IReadOnlyList<int[]> source, WorkingGraph graph, ref Xoshiro256 rng, CancellationToken cancellationToken)
    {
        var n = source.Count;
        var m = graph.Count;
        var chains = new HashSet<int>[n];
        for (var v = 0; v < n; v++)
        {
            chains[v] = [];
        }

        var usage = new int[m];
        var order = Enumerable.Range(0, n).ToArray();
        var alpha = Math.Max(4.0, 2 * Math.Sqrt(m));
        var dist = new double[m];
        var parent = new int[m];
        var total = new double[m];
        var paths = new List<(double[] Dist, int[] Parent, int Neighbour)>();
        var weight = new double[m];
        var clean = 0;
        for (var round = 0; round < MaxRounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Breadth-first order: each variable after the first of its component meets a placed neighbour, so the
            // first round already places chains near each other instead of scattering them over the chip.
            BreadthFirstOrder(source, order, ref rng);
            foreach (var v in order)
            {
                foreach (var q in chains[v])
                {
                    usage[q]--;
                }

                chains[v].Clear();
                var polishing = clean > 0;
                for (var q = 0; q < m; q++)
                {
                    weight[q] = polishing ? (usage[q] > 0 ? 1e9 : 1.0) : Math.Pow(alpha * (1 + round), usage[q]);
                }

                double Weight(int q) => weight[q];
                paths.Clear();
                foreach (var u in source[v])
                {
                    if (chains[u].Count == 0)
                    {
                        continue;
                    }

                    var d = new double[m];
                    var p = new int[m];
                    Dijkstra(graph, chains[u], weight, d, p);
                    paths.Add((d, p, u));
                }

                int root;
                if (paths.Count == 0)
                {
                    root = CheapestFree(usage, ref rng);
                }
                else
                {
                    Array.Fill(total, 0.0);
                    foreach (var (d, _, _) in paths)
                    {
                        for (var q = 0; q < m; q++)
                        {
                            total[q] += d[q];
                        }
                    }

                    root = -1;
                    var best = double.PositiveInfinity;
                    var ties = 0;
                    for (var q = 0; q < m; q++)
                    {
                        // Each path's cost includes the root's own weight; count it once.
                        var cost = total[q] - ((paths.Count - 1) * Weight(q));
                        if (cost < best - 1e-9)
                        {
                            best = cost;
                            root = q;
                            ties = 1;
                        }
                        else if (Math.Abs(cost - best) <= 1e-9 && rng.NextInt(++ties) == 0)
                        {
                            root = q;
                        }
                    }

                    if (root < 0 || double.IsPositiveInfinity(best))
                    {
                        return null;
                    }
                }

                chains[v].Add(root);
                foreach (var (d, p, u) in paths)
                {
                    for (var q = root; !chains[u].Contains(q); q = p[q])
                    {
                        chains[v].Add(q);
                        if (p[q] < 0)
                        {
                            break;
                        }
                    }
                }

                foreach (var q in chains[v])
                {
                    usage[q]++;
                }
            }

            if (usage.All(c => c <= 1))
            {
                if (++clean > PolishRounds)
                {
                    break;
                }
            }
            else
            {
                clean = 0;
            }
        }

        if (!usage.All(c => c <= 1))
        {
            return null;
        }

        var result = chains.Select(c => c.Order().ToArray()).ToArray();
        return IsValid(source, graph, result) ? result : null;
    }

    /// <summary>Vertex-weighted shortest paths from a chain: dist[q] sums the weights of the qubits after the chain up to q.</summary>
    private static void Dijkstra(WorkingGraph graph, HashSet<int> from, double[] weight, double[] dist, int[] parent)
    {
        Array.Fill(dist, double.PositiveInfinity);
        Array.Fill(parent, -1);
        var queue = new PriorityQueue<int, double>();
        foreach (var q in from)
        {
            dist[q] = 0;
            queue.Enqueue(q, 0);
        }

        while (queue.TryDequeue(out var q, out var d))
        {
            if (d > dist[q])
            {
                continue;
            }

            foreach (var r in graph.Neighbours[q])
            {
                var next = d + weight[r];
                if (next < dist[r])
                {
                    dist[r] = next;
                    parent[r] = q;
                    queue.Enqueue(r, next);
                }
            }
        }

        // A qubit of the source chain itself is no root for a new chain: it is taken.
        foreach (var q in from)
        {
            dist[q] = double.PositiveInfinity;
        }
    }

    private static int CheapestFree(int[] usage, ref Xoshiro256 rng)
    {
        var min = usage.Min();
        var candidates = Enumerable.Range(0, usage.Length).Where(q => usage[q] == min).ToArray();
        return candidates[rng.NextInt(candidates.Length)];
    }

    /// <summary>Fills <paramref name="order"/> with a breadth-first order of the source graph from random roots.</summary>
    private static void BreadthFirstOrder(IReadOnlyList<int[]> source, int[] order, ref Xoshiro256 rng)
    {
        var n = source.Count;
        var starts = Enumerable.Range(0, n).ToArray();
        Shuffle(starts, ref rng);
        var seen = new bool[n];
        var count = 0;
        var queue = new Queue<int>();
        foreach (var start in starts)
        {
            if (seen[start])
            {
                continue;
            }

            seen[start] = true;
            queue.Enqueue(start);
            while (queue.Count > 0)
            {
                var v = queue.Dequeue();
                order[count++] = v;
                var next = source[v].Where(u => !seen[u]).ToArray();
                Shuffle(next, ref rng);
                foreach (var u in next)
                {
                    seen[u] = true;
                    queue.Enqueue(u);
                }
            }
        }
    }

    private static void Shuffle(int[] items, ref Xoshiro256 rng)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
