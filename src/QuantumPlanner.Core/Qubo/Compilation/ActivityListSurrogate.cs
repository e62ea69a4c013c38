using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Core.Qubo.Compilation;

/// <summary>
/// The objective of a problem without agents (RCPSP) as a function of its activity list, the order in which the serial
/// schedule generator places the tasks: what <see cref="ActivityListQuboCompiler"/> encodes. Position p of task j
/// stands for the estimated start s(j, p) = head_j + (p − lo_j) · δ, where head_j is the earliest start the
/// dependencies allow, lo_j the first position the dependencies allow (the number of j's ancestors), and δ the mean
/// duration divided by the work's parallelism κ = max(1, Σ durations / critical path), so each place later in the list is
/// δ time units later. The cost of j at p is linear, from the weighted catalogue terms that depend on the order:
/// <list type="bullet">
/// <item>makespan: w_M · (tail_j / Σ tail) · (s(j, p) + tail_j), tail_j the longest path from j's start to the end.
/// Every schedule's makespan is at least s_j + tail_j for each j, so this is the tail-weighted mean of those lower
/// bounds at the estimated starts; it puts the tasks that hold the longest remaining path first.</item>
/// <item>priority: w_P · priority_j · (s(j, p) + d_j), the weighted completion at the estimated start;</item>
/// <item>tardiness: w_T · max(0, s(j, p) + d_j − deadline_j).</item>
/// </list>
/// Cost, preferences and load balance need agents (zero here); unassigned and changes are not a matter of the order
/// and are left to the schedule and its polish, as are resources, windows and pins: the generator places the decoded
/// list and the local search polishes it by the real objective. Positions outside a task's window [lo_j, hi_j]
/// (hi_j = n − 1 − its descendants) can hold no precedence-feasible list, so they get no variable; when the windows
/// still hold more than <see cref="MaxVariables"/> variables, each is cut to the positions within W of the task's place
/// in the reference list (the cheapest task first among the ready ones), with the largest W that fits, so the
/// reference list stays in the model.
/// </summary>
public sealed class ActivityListSurrogate
{
    /// <summary>Largest model the windows may make (j30: 32 activities give 400–700 variables uncut).</summary>
    public const int DefaultMaxVariables = 2000;

    private readonly double[][] cost;

    private ActivityListSurrogate(PlanningProblem problem, int[][] predecessors, int[] lo, int[] hi, double[][] cost, int[] reference, double step, int maxVariables)
    {
        Problem = problem;
        Predecessors = predecessors;
        First = lo;
        Last = hi;
        this.cost = cost;
        Reference = reference;
        Step = step;
        MaxVariables = maxVariables;
    }

    public PlanningProblem Problem { get; }

    public int TaskCount => Predecessors.Count;

    /// <summary>The tasks each task depends on (indices into the problem's tasks).</summary>
    public IReadOnlyList<int[]> Predecessors { get; }

    /// <summary>First position of each task's window.</summary>
    public IReadOnlyList<int> First { get; }

    /// <summary>Last position of each task's window.</summary>
    public IReadOnlyList<int> Last { get; }

    /// <summary>A precedence-feasible list inside every window: the cheapest ready task first.</summary>
    public IReadOnlyList<int> Reference { get; }

    /// <summary>δ: the time one place later in the list stands for.</summary>
    public double Step { get; }

    public int MaxVariables { get; }

    /// <summary>Whether task <paramref name="task"/> may take position <paramref name="position"/>.</summary>
    public bool Allows(int task, int position) => position >= First[task] && position <= Last[task];

    /// <summary>The surrogate cost of task <paramref name="task"/> at <paramref name="position"/> (within its window).</summary>
    public double Cost(int task, int position) => cost[task][position - First[task]];

    /// <summary>Σ cost of each task at its place in <paramref name="order"/> (which must lie in the windows).</summary>
    public double Evaluate(IReadOnlyList<int> order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var sum = 0.0;
        for (var p = 0; p < order.Count; p++)
        {
            sum += Cost(order[p], p);
        }

        return sum;
    }

    /// <summary>True when <paramref name="order"/> is a permutation inside the windows with every task after the tasks it depends on.</summary>
    public bool IsFeasible(IReadOnlyList<int> order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Count != TaskCount)
        {
            return false;
        }

        var position = new int[TaskCount];
        Array.Fill(position, -1);
        for (var p = 0; p < order.Count; p++)
        {
            if (order[p] < 0 || order[p] >= TaskCount || position[order[p]] >= 0 || !Allows(order[p], p))
            {
                return false;
            }

            position[order[p]] = p;
        }

        for (var j = 0; j < TaskCount; j++)
        {
            foreach (var k in Predecessors[j])
            {
                if (position[k] > position[j])
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The activity-list surrogate of a problem without agents; null when it has agents.</summary>
    public static ActivityListSurrogate? Create(PlanningProblem problem, int maxVariables = DefaultMaxVariables)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Agents.Count > 0)
        {
            return null;
        }

        var n = problem.Tasks.Count;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var t = 0; t < n; t++)
        {
            index[problem.Tasks[t].Id] = t;
        }

        var predecessors = new int[n][];
        var successors = new List<int>[n];
        for (var t = 0; t < n; t++)
        {
            successors[t] = [];
        }

        for (var t = 0; t < n; t++)
        {
            predecessors[t] = problem.Tasks[t].DependsOn.Where(index.ContainsKey).Select(d => index[d]).Where(d => d != t).Distinct().ToArray();
            foreach (var k in predecessors[t])
            {
                successors[k].Add(t);
            }
        }

        var topological = Topological(predecessors, successors, Enumerable.Range(0, n).Select(t => (double)t).ToArray());
        var duration = problem.Tasks.Select(t => Math.Max(0, t.Duration)).ToArray();
        var head = new double[n];
        var tail = new double[n];
        foreach (var j in topological)
        {
            head[j] = Math.Max(head[j], problem.Tasks[j].EarliestStart);
            foreach (var s in successors[j])
            {
                head[s] = Math.Max(head[s], head[j] + duration[j]);
            }
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var j = topological[i];
            tail[j] = duration[j] + successors[j].Select(s => tail[s]).DefaultIfEmpty(0).Max();
        }

        var (ancestors, descendants) = Reach(topological, predecessors, successors);
        var lo = (int[])ancestors.Clone();
        var hi = descendants.Select(d => n - 1 - d).ToArray();
        var criticalPath = Enumerable.Range(0, n).Select(j => head[j] + tail[j]).DefaultIfEmpty(0).Max();
        var work = duration.Sum();
        var parallelism = criticalPath > 0 ? Math.Max(1, work / criticalPath) : 1;
        var step = n > 0 ? work / (double)n / parallelism : 0;
        var weights = problem.Objective;
        var tailSum = tail.Sum();

        double CostAt(int j, int p)
        {
            var start = head[j] + ((p - ancestors[j]) * step);
            var end = start + duration[j];
            var c = 0.0;
            if (weights.Makespan != 0 && tailSum > 0)
            {
                c += weights.Makespan * tail[j] / tailSum * (start + tail[j]);
            }

            if (weights.Priority != 0)
            {
                c += weights.Priority * problem.Tasks[j].Priority * end;
            }

            if (weights.Tardiness != 0 && problem.Tasks[j].Deadline is { } deadline)
            {
                c += weights.Tardiness * Math.Max(0, end - deadline);
            }

            return c;
        }

        // The reference list: Kahn's order taking the ready task that is cheapest to place first (its cost at its
        // first position minus its cost one place later, i.e. the one that loses most by waiting).
        var urgency = Enumerable.Range(0, n).Select(j => -(CostAt(j, lo[j] + 1) - CostAt(j, lo[j]))).ToArray();
        var reference = Topological(predecessors, successors, urgency);
        var position = new int[n];
        for (var p = 0; p < n; p++)
        {
            position[reference[p]] = p;
        }

        long Size(int w)
        {
            long size = 0;
            for (var j = 0; j < n; j++)
            {
                size += Math.Min(hi[j], position[j] + w) - Math.Max(lo[j], position[j] - w) + 1;
            }

            return size;
        }

        if (Size(n) > maxVariables)
        {
            var w = n;
            while (w > 0 && Size(w) > maxVariables)
            {
                w--;
            }

            for (var j = 0; j < n; j++)
            {
                (lo[j], hi[j]) = (Math.Max(lo[j], position[j] - w), Math.Min(hi[j], position[j] + w));
            }
        }

        var cost = new double[n][];
        for (var j = 0; j < n; j++)
        {
            cost[j] = new double[hi[j] - lo[j] + 1];
            for (var p = lo[j]; p <= hi[j]; p++)
            {
                cost[j][p - lo[j]] = CostAt(j, p);
            }
        }

        return new ActivityListSurrogate(problem, predecessors, lo, hi, cost, reference, step, maxVariables);
    }

    /// <summary>Kahn's algorithm taking the ready task with the smallest key (then the smallest index).</summary>
    internal static int[] Topological(int[][] predecessors, IReadOnlyList<List<int>> successors, double[] key)
    {
        var n = predecessors.Length;
        var remaining = predecessors.Select(p => p.Length).ToArray();
        var ready = new PriorityQueue<int, (double, int)>();
        for (var j = 0; j < n; j++)
        {
            if (remaining[j] == 0)
            {
                ready.Enqueue(j, (key[j], j));
            }
        }

        var order = new List<int>(n);
        while (ready.TryDequeue(out var j, out _))
        {
            order.Add(j);
            foreach (var s in successors[j])
            {
                if (--remaining[s] == 0)
                {
                    ready.Enqueue(s, (key[s], s));
                }
            }
        }

        if (order.Count != n)
        {
            throw new ArgumentException("The dependencies have a cycle, so no activity list exists. Maybe validate the problem first (qplan validate).");
        }

        return [.. order];
    }

    /// <summary>
    /// How many tasks each task depends on directly or through others, and how many depend on it: one bit set per task
    /// (n²/64 words, a few megabytes at 5 000 tasks, where sets of ints would take gigabytes).
    /// </summary>
    private static (int[] Ancestors, int[] Descendants) Reach(int[] topological, int[][] predecessors, List<int>[] successors)
    {
        var n = topological.Length;
        var words = (n + 63) / 64;
        var up = new ulong[n * words];
        var down = new ulong[n * words];
        foreach (var j in topological)
        {
            var row = up.AsSpan(j * words, words);
            foreach (var k in predecessors[j])
            {
                row[k / 64] |= 1UL << (k % 64);
                Or(row, up.AsSpan(k * words, words));
            }
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var j = topological[i];
            var row = down.AsSpan(j * words, words);
            foreach (var s in successors[j])
            {
                row[s / 64] |= 1UL << (s % 64);
                Or(row, down.AsSpan(s * words, words));
            }
        }

        var ancestors = new int[n];
        var descendants = new int[n];
        for (var j = 0; j < n; j++)
        {
            ancestors[j] = Count(up.AsSpan(j * words, words));
            descendants[j] = Count(down.AsSpan(j * words, words));
        }

        return (ancestors, descendants);

        static void Or(Span<ulong> into, ReadOnlySpan<ulong> from)
        {
            for (var w = 0; w < into.Length; w++)
            {
                into[w] |= from[w];
            }
        }

        static int Count(ReadOnlySpan<ulong> row)
        {
            var count = 0;
            foreach (var word in row)
            {
                count += System.Numerics.BitOperations.PopCount(word);
            }

            return count;
        }
    }
}
