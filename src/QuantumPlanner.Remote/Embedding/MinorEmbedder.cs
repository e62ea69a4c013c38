using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Remote.Embedding;

/// <summary>
/// Finds a minor embedding of a source graph into any working graph (qubits and couplers, missing qubits absent) with
/// the heuristic of Cai, Macready and Roy (2014), refined as minorminer does:
/// <list type="number">
/// <item>Placement: a variable's chain is the cheapest root qubit plus the shortest paths from it to the chains of its
/// placed neighbours, a qubit costing base^(chains already on it); the first pass runs in breadth-first order with a
/// low base, so chains may overlap and start near each other.</item>
/// <item>Overlap rounds: every chain is torn out and placed again, in a random order, while the base rises each round,
/// until no qubit is shared; a try gives up when the overlap has not shrunk for a number of rounds.</item>
/// <item>Chain shortening: once valid, each chain (longest first) is placed again on free qubits only, kept when it is
/// no longer than before, until a round shortens nothing.</item>
/// <item>Several tries from their own seeds (failed ones replaced by more, up to a bound); the best embedding by
/// (longest chain, qubits used) wins.</item>
/// </list>
/// Deterministic for a seed: every bound is a count of rounds, never a clock.
/// </summary>
public static class MinorEmbedder
{
    /// <summary>Valid tries wanted per call; the best is returned.</summary>
    public const int DefaultTries = 2;

    private const int FailedTriesPerTry = 4;

    /// <summary>
    /// Chains as dense indices of <paramref name="graph"/>, one per source variable; null when no embedding was found.
    /// <paramref name="sourceNeighbours"/>[v] lists the variables v interacts with.
    /// </summary>
    public static int[][]? Find(IReadOnlyList<int[]> sourceNeighbours, WorkingGraph graph, ulong seed, CancellationToken cancellationToken = default) =>
        Find(sourceNeighbours, graph, seed, DefaultTries, cancellationToken);

    /// <summary>As <see cref="Find(IReadOnlyList{int[]}, WorkingGraph, ulong, CancellationToken)"/> with <paramref name="tries"/> tries.</summary>
    public static int[][]? Find(IReadOnlyList<int[]> sourceNeighbours, WorkingGraph graph, ulong seed, int tries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceNeighbours);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfLessThan(tries, 1);
        var n = sourceNeighbours.Count;
        if (n == 0)
        {
            return [];
        }

        if (n > graph.Count)
        {
            return null;
        }

        // A try that cannot resolve its last overlaps gives up early and does not count: up to FailedTriesPerTry
        // more tries are spent per wanted one, so a model that is hard to place still gets its valid tries.
        int[][]? best = null;
        var valid = 0;
        for (var attempt = 0; valid < tries && attempt < tries * (1 + FailedTriesPerTry); attempt++)
        {
            var search = new Search(sourceNeighbours, graph, Xoshiro256.ForStream(seed, attempt), cancellationToken);
            var chains = search.Run();
            if (chains is null || !IsValid(sourceNeighbours, graph, chains))
            {
                continue;
            }

            valid++;
            if (best is null || Quality(chains).CompareTo(Quality(best)) < 0)
            {
                best = chains;
            }
        }

        return best;
    }

    /// <summary>The order in which embeddings are preferred: shorter longest chain first, then fewer qubits.</summary>
    public static (int MaxChainLength, int Qubits) Quality(IReadOnlyList<int[]> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        return (chains.Count == 0 ? 0 : chains.Max(c => c.Length), chains.Sum(c => c.Length));
    }

    /// <summary>Whether the chains are disjoint, connected, on working qubits, and realise every source edge.</summary>
    public static bool IsValid(IReadOnlyList<int[]> sourceNeighbours, WorkingGraph graph, IReadOnlyList<int[]> chains)
    {
        ArgumentNullException.ThrowIfNull(sourceNeighbours);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(chains);
        if (chains.Count != sourceNeighbours.Count)
        {
            return false;
        }

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
                if (q < 0 || q >= graph.Count || owner[q] != -1)
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

    /// <summary>One try: placement, overlap rounds, chain shortening.</summary>
    private sealed class Search
    {
        // The first placement lets chains share qubits cheaply; each overlap round multiplies the price of sharing.
        private const double InitialBase = 2.0;
        private const double BaseGrowth = 1.3;
        private const double MaxBase = 1e6;

        // Rounds without a smaller overlap before a try gives up, and the most overlap rounds in all.
        private const int OverlapPatience = 8;
        private const int MaxOverlapRounds = 200;

        // Shortening stops after this many rounds in a row that shortened no chain.
        private const int ShortenPatience = 2;
        private const int MaxShortenRounds = 30;

        // Perturbation cycles after the first valid embedding, and how many in a row may fail to improve it.
        private const int MaxCycles = 20;
        private const int CyclePatience = 4;

        private readonly IReadOnlyList<int[]> source;
        private readonly WorkingGraph graph;
        private readonly CancellationToken cancellationToken;
        private readonly int n;
        private readonly int m;
        private readonly List<int>[] chains;
        private readonly int[] usage;
        private readonly double[] weight;
        private readonly double[] total;
        private readonly double[][] dist;
        private readonly int[][] parent;
        private readonly int[] mark;
        private readonly PriorityQueue<int, double> queue = new();
        private readonly Queue<int> bfs = new();
        private Xoshiro256 rng;
        private int markId;

        public Search(IReadOnlyList<int[]> source, WorkingGraph graph, Xoshiro256 rng, CancellationToken cancellationToken)
        {
            this.source = source;
            this.graph = graph;
            this.cancellationToken = cancellationToken;
            n = source.Count;
            m = graph.Count;
            this.rng = rng;
            chains = new List<int>[n];
            for (var v = 0; v < n; v++)
            {
                chains[v] = [];
            }

            usage = new int[m];
            weight = new double[m];
            total = new double[m];
            var maxDegree = source.Count == 0 ? 0 : source.Max(s => s.Length);
            dist = new double[maxDegree][];
            parent = new int[maxDegree][];
            for (var i = 0; i < maxDegree; i++)
            {
                dist[i] = new double[m];
                parent[i] = new int[m];
            }

            mark = new int[m];
        }

        public int[][]? Run()
        {
            var order = BreadthFirstOrder();
            foreach (var v in order)
            {
                Place(v, InitialBase);
            }

            if (!ResolveOverlaps(order, onlyOverlapping: false))
            {
                return null;
            }

            Shorten(order);
            var best = Snapshot();
            var stale = 0;
            for (var cycle = 0; cycle < MaxCycles && stale < CyclePatience; cycle++)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // The longest chains are placed again as if others' qubits were nearly free, and the chains they now
                // cross move out of the way: the only way past a neighbourhood too crowded to shorten chains in place.
                var longest = chains.Max(c => c.Count);
                var perturbed = Enumerable.Range(0, n).Where(v => chains[v].Count == longest).ToArray();
                Shuffle(perturbed);
                foreach (var v in perturbed)
                {
                    Place(v, InitialBase);
                }

                if (ResolveOverlaps(order, onlyOverlapping: true))
                {
                    Shorten(order);
                    var current = Snapshot();
                    if (Quality(current).CompareTo(Quality(best)) < 0)
                    {
                        best = current;
                        stale = 0;
                        continue;
                    }
                }

                stale++;
                for (var v = 0; v < n; v++)
                {
                    Replace(v, best[v]);
                }
            }

            return [.. best.Select(c => c.Order().ToArray())];
        }

        /// <summary>
        /// Overlap rounds: chains are placed again (all, or only those sharing a qubit) in a random order, the price
        /// of sharing rising each round; true once no qubit is shared, false when the overlap stops shrinking.
        /// </summary>
        private bool ResolveOverlaps(int[] order, bool onlyOverlapping)
        {
            var sharing = InitialBase;
            var bestOverlap = Overlap();
            var stale = 0;
            for (var round = 0; bestOverlap > 0 && round < MaxOverlapRounds && stale < OverlapPatience; round++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                sharing = Math.Min(MaxBase, sharing * BaseGrowth);
                Shuffle(order);
                foreach (var v in order)
                {
                    if (!onlyOverlapping || chains[v].Any(q => usage[q] > 1))
                    {
                        Place(v, sharing);
                    }
                }

                var overlap = Overlap();
                if (overlap < bestOverlap)
                {
                    bestOverlap = overlap;
                    stale = 0;
                }
                else
                {
                    stale++;
                }
            }

            return Overlap() == 0;
        }

        private int[][] Snapshot() => [.. chains.Select(c => c.ToArray())];

        /// <summary>Rebuilds chains on free qubits only, longest first, keeping a new chain when it is no longer.</summary>
        private void Shorten(int[] order)
        {
            var stale = 0;
            for (var round = 0; round < MaxShortenRounds && stale < ShortenPatience; round++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Shuffle(order);
                var byLength = order.OrderByDescending(v => chains[v].Count).ToArray();
                var shortened = false;
                foreach (var v in byLength)
                {
                    var old = chains[v].ToArray();
                    Place(v, double.PositiveInfinity);
                    if (chains[v].Count == 0 || chains[v].Count > old.Length)
                    {
                        Replace(v, old);
                    }
                    else if (chains[v].Count < old.Length)
                    {
                        shortened = true;
                    }
                }

                stale = shortened ? 0 : stale + 1;
            }
        }

        /// <summary>
        /// Tears out v's chain and places it again with qubit weights 1 (free) and <paramref name="sharing"/>^use
        /// (taken); an infinite <paramref name="sharing"/> forbids taken qubits, leaving the chain empty when no root
        /// reaches every placed neighbour.
        /// </summary>
        private void Place(int v, double sharing)
        {
            Replace(v, []);
            var blocked = double.IsPositiveInfinity(sharing);
            for (var q = 0; q < m; q++)
            {
                weight[q] = usage[q] == 0 ? 1.0 : blocked ? double.PositiveInfinity : Math.Pow(sharing, usage[q]);
            }

            var neighbours = new List<int>();
            foreach (var u in source[v])
            {
                if (chains[u].Count > 0)
                {
                    ShortestPaths(chains[u], dist[neighbours.Count], parent[neighbours.Count], unitWeights: blocked);
                    neighbours.Add(u);
                }
            }

            int root;
            if (neighbours.Count == 0)
            {
                root = CheapestQubit();
            }
            else
            {
                Array.Copy(dist[0], total, m);
                for (var i = 1; i < neighbours.Count; i++)
                {
                    var d = dist[i];
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
                    if (double.IsPositiveInfinity(total[q]))
                    {
                        continue;
                    }

                    // Every path's cost includes the root's own weight; count it once.
                    var cost = total[q] - ((neighbours.Count - 1) * weight[q]);
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

                if (root < 0)
                {
                    return;
                }
            }

            // Grow a tree from the root: each neighbour's chain is joined from the chain qubit nearest to it, so
            // later paths start where earlier ones went, farthest neighbour first, instead of each from the root.
            var chain = new List<int> { root };
            var joins = Enumerable.Range(0, neighbours.Count).OrderByDescending(i => dist[i][root]).ToArray();
            foreach (var i in joins)
            {
                var d = dist[i];
                var from = root;
                var gap = d[root] - weight[root];
                foreach (var c in chain)
                {
                    if (d[c] - weight[c] < gap)
                    {
                        gap = d[c] - weight[c];
                        from = c;
                    }
                }

                Mark(chains[neighbours[i]]);
                for (var q = parent[i][from]; q >= 0 && mark[q] != markId; q = parent[i][q])
                {
                    chain.Add(q);
                }
            }

            Replace(v, [.. chain.Distinct()]);
        }

        private void Replace(int v, int[] qubits)
        {
            foreach (var q in chains[v])
            {
                usage[q]--;
            }

            chains[v].Clear();
            chains[v].AddRange(qubits);
            foreach (var q in qubits)
            {
                usage[q]++;
            }
        }

        /// <summary>Qubits shared by more than one chain, counted with multiplicity.</summary>
        private int Overlap()
        {
            var overlap = 0;
            foreach (var c in usage)
            {
                overlap += Math.Max(0, c - 1);
            }

            return overlap;
        }

        /// <summary>
        /// Vertex-weighted shortest paths from a chain: dist[q] sums the weights of the qubits after the chain up to
        /// and including q; a qubit of the chain itself gets infinity (it is no root for another chain).
        /// </summary>
        private void ShortestPaths(List<int> from, double[] d, int[] p, bool unitWeights)
        {
            Array.Fill(d, double.PositiveInfinity);
            Array.Fill(p, -1);
            if (unitWeights)
            {
                // Weights are 1 (free) or infinite (taken): breadth-first search gives the same distances faster.
                var frontier = bfs;
                frontier.Clear();
                foreach (var q in from)
                {
                    d[q] = 0;
                    frontier.Enqueue(q);
                }

                while (frontier.TryDequeue(out var q))
                {
                    foreach (var r in graph.Neighbours[q])
                    {
                        if (double.IsPositiveInfinity(d[r]) && !double.IsPositiveInfinity(weight[r]))
                        {
                            d[r] = d[q] + 1;
                            p[r] = q;
                            frontier.Enqueue(r);
                        }
                    }
                }
            }
            else
            {
                queue.Clear();
                foreach (var q in from)
                {
                    d[q] = 0;
                    queue.Enqueue(q, 0);
                }

                while (queue.TryDequeue(out var q, out var dq))
                {
                    if (dq > d[q])
                    {
                        continue;
                    }

                    foreach (var r in graph.Neighbours[q])
                    {
                        var next = dq + weight[r];
                        if (next < d[r])
                        {
                            d[r] = next;
                            p[r] = q;
                            queue.Enqueue(r, next);
                        }
                    }
                }
            }

            foreach (var q in from)
            {
                d[q] = double.PositiveInfinity;
            }
        }

        private void Mark(List<int> qubits)
        {
            markId++;
            foreach (var q in qubits)
            {
                mark[q] = markId;
            }
        }

        private int CheapestQubit()
        {
            var min = usage.Min();
            var candidates = Enumerable.Range(0, m).Where(q => usage[q] == min).ToArray();
            return candidates[rng.NextInt(candidates.Length)];
        }

        /// <summary>A breadth-first order of the source graph from random roots, so each variable meets a placed neighbour.</summary>
        private int[] BreadthFirstOrder()
        {
            var order = new int[n];
            var starts = Enumerable.Range(0, n).ToArray();
            Shuffle(starts);
            var seen = new bool[n];
            var count = 0;
            var pending = new Queue<int>();
            foreach (var start in starts)
            {
                if (seen[start])
                {
                    continue;
                }

                seen[start] = true;
                pending.Enqueue(start);
                while (pending.Count > 0)
                {
                    var v = pending.Dequeue();
                    order[count++] = v;
                    var next = source[v].Where(u => !seen[u]).ToArray();
                    Shuffle(next);
                    foreach (var u in next)
                    {
                        seen[u] = true;
                        pending.Enqueue(u);
                    }
                }
            }

            return order;
        }

        private void Shuffle(int[] items)
        {
            for (var i = items.Length - 1; i > 0; i--)
            {
                var j = rng.NextInt(i + 1);
                (items[i], items[j]) = (items[j], items[i]);
            }
        }
    }
}
