using System.Diagnostics;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Solvers.Planning.GeneralizedAssignment;

/// <summary>
/// Lagrangian relaxation of a <see cref="PureAssignment"/> and the variable fixing it allows, after Ross &amp; Soland
/// (1975) and Posta, Ferland &amp; Michelon (2012): relaxing "each task goes to exactly one agent" with a multiplier per
/// task leaves one 0-1 knapsack per agent, whose optimum gives a lower bound at least as strong as the linear
/// relaxation. Subgradient steps improve the multipliers. Then, for every (task, agent) pair, the bound is recomputed
/// with the pair forced in and forced out (forward and backward knapsack tables make that one pass per agent): a pair
/// whose forced-in bound cannot beat the incumbent by one objective step is ruled out, and one whose forced-out bound
/// cannot is forced. On GAP instances of types B–D this leaves CP-SAT a fraction of the pairs; every plan better than
/// the incumbent survives the reduction, so solving the reduced problem to optimality proves global optimality.
/// </summary>
public sealed class AssignmentLagrangian
{
    /// <summary>Knapsack table cells (items × capacity) allowed per agent; past it no reduction is attempted.</summary>
    public const long MaxCellsPerAgent = 2_000_000;

    /// <summary>In <see cref="Reduction.Forced"/> and restrictions: the task is not forced anywhere.</summary>
    public const int Free = int.MinValue;

    private const double InitialStepScale = 2.0;
    private const double MinStepScale = 0.002;
    private const int StallBeforeHalving = 20;

    private readonly PureAssignment view;
    private readonly int n;
    private readonly int m;
    private readonly long[] capacity; // left after forced tasks
    private readonly bool[] binding;
    private readonly int[][] itemsOf; // free tasks agent a may take
    private readonly bool[] dropAllowed; // free tasks that may be dropped
    private readonly int[] forced;
    private readonly bool[] free;
    private readonly double fixedCost;
    private readonly double[] multiplier;
    private readonly double[] bestMultiplier;
    private readonly int[] relaxed;
    private readonly KnapsackSolver solver;

    private AssignmentLagrangian(PureAssignment view, long[] capacity, bool[] binding, int[][] itemsOf, bool[] dropAllowed, int[] forced, double fixedCost)
    {
        this.view = view;
        n = view.TaskCount;
        m = view.AgentCount;
        this.capacity = capacity;
        this.binding = binding;
        this.itemsOf = itemsOf;
        this.dropAllowed = dropAllowed;
        this.forced = forced;
        this.fixedCost = fixedCost;
        free = new bool[n];
        for (int t = 0; t < n; t++)
        {
            free[t] = forced[t] == Free;
        }

        multiplier = new double[n];
        bestMultiplier = new double[n];
        relaxed = new int[n];
        solver = new KnapsackSolver(itemsOf, capacity);
    }

    /// <summary>Best Lagrangian lower bound found so far (negative infinity before <see cref="Improve(double, TimeSpan, CancellationToken)"/>).</summary>
    public double Bound { get; private set; } = double.NegativeInfinity;

    public long Iterations { get; private set; }

    /// <summary>The restrictions leave no plan at all (forced loads above capacity, or a task with no option).</summary>
    public bool Infeasible { get; private init; }

    /// <summary>A plan (each task's agent) found when some relaxed solution happened to assign every task exactly once.</summary>
    public int[]? RelaxedPlan { get; private set; }

    /// <summary>The multipliers behind <see cref="Bound"/>.</summary>
    internal double[] BestMultipliers => bestMultiplier;

    /// <summary>
    /// The relaxation of <paramref name="view"/>, or null when some agent's knapsack table would exceed
    /// <see cref="MaxCellsPerAgent"/> (large maxWorkload values that actually bind).
    /// </summary>
    public static AssignmentLagrangian? TryCreate(PureAssignment view) => TryCreate(view, null, null);

    /// <summary>
    /// The relaxation of <paramref name="view"/> restricted to the pairs in <paramref name="allowed"/> (laid out as
    /// <see cref="Reduction.Allowed"/>; null: every option) with the tasks in <paramref name="forced"/> fixed
    /// (<see cref="Free"/> where not).
    /// </summary>
    internal static AssignmentLagrangian? TryCreate(PureAssignment view, bool[]? allowed, int[]? forced)
    {
        ArgumentNullException.ThrowIfNull(view);
        int n = view.TaskCount, m = view.AgentCount;
        forced ??= Enumerable.Repeat(Free, n).ToArray();
        var capacity = new long[m];
        for (int a = 0; a < m; a++)
        {
            capacity[a] = Math.Max(0, view.Capacity[a]);
        }

        double fixedCost = 0;
        bool infeasible = false;
        for (int t = 0; t < n; t++)
        {
            int a = forced[t];
            if (a == PureAssignment.Dropped)
            {
                fixedCost += view.DropCost;
            }
            else if (a != Free)
            {
                fixedCost += view.PairCost[(t * m) + a];
                capacity[a] -= view.PairLoad[(t * m) + a];
                infeasible |= capacity[a] < 0;
            }
        }

        var items = new List<int>[m];
        var demand = new long[m];
        for (int a = 0; a < m; a++)
        {
            items[a] = [];
        }

        var dropAllowed = new bool[n];
        for (int t = 0; t < n; t++)
        {
            if (forced[t] != Free)
            {
                continue;
            }

            bool any = false;
            foreach (int a in view.Options[t])
            {
                if ((allowed is null || allowed[(t * m) + a]) && view.PairLoad[(t * m) + a] <= Math.Max(0, capacity[a]))
                {
                    items[a].Add(t);
                    demand[a] += view.PairLoad[(t * m) + a];
                    any = true;
                }
            }

            dropAllowed[t] = view.Droppable[t] && (allowed is null || allowed[(n * m) + t]);
            infeasible |= !any && !dropAllowed[t];
        }

        var binding = new bool[m];
        for (int a = 0; a < m; a++)
        {
            capacity[a] = Math.Max(0, capacity[a]);
            binding[a] = demand[a] > capacity[a];
            if (binding[a] && (capacity[a] + 1) * (items[a].Count + 1L) > MaxCellsPerAgent)
            {
                return null;
            }
        }

        return new AssignmentLagrangian(view, capacity, binding, [.. items.Select(list => list.ToArray())], dropAllowed, forced, fixedCost)
        {
            Infeasible = infeasible,
        };
    }

    /// <summary>
    /// Subgradient optimisation of the multipliers, aiming at <paramref name="target"/> (the incumbent's objective),
    /// until the step scale has shrunk away, the bound reaches <paramref name="target"/>, or time runs out.
    /// </summary>
    public void Improve(double target, TimeSpan budget, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        Improve(target, int.MaxValue, InitialStepScale, null, () => ct.IsCancellationRequested || watch.Elapsed >= budget);
    }

    /// <summary>At most <paramref name="maxIterations"/> subgradient steps from <paramref name="start"/> (null: cheapest costs).</summary>
    internal void Improve(double target, int maxIterations, double stepScale, double[]? start, Func<bool>? stop = null)
    {
        if (Infeasible)
        {
            Bound = double.PositiveInfinity;
            return;
        }

        if (start is not null)
        {
            Array.Copy(start, multiplier, n);
        }
        else if (double.IsNegativeInfinity(Bound))
        {
            for (int t = 0; t < n; t++)
            {
                double cheapest = dropAllowed[t] ? view.DropCost : double.PositiveInfinity;
                foreach (int a in view.Options[t])
                {
                    cheapest = Math.Min(cheapest, view.PairCost[(t * m) + a]);
                }

                multiplier[t] = double.IsFinite(cheapest) ? cheapest : 0;
            }
        }
        else
        {
            Array.Copy(bestMultiplier, multiplier, n);
        }

        var covered = new int[n];
        int stall = 0;
        for (int iteration = 0; iteration < maxIterations && stepScale > MinStepScale && stop?.Invoke() != true; iteration++)
        {
            Iterations++;
            double value = Evaluate(covered);
            if (value > Bound + 1e-9)
            {
                Bound = value;
                Array.Copy(multiplier, bestMultiplier, n);
                stall = 0;
            }
            else if (++stall >= StallBeforeHalving)
            {
                stepScale /= 2;
                stall = 0;
            }

            double norm = 0;
            for (int t = 0; t < n; t++)
            {
                if (free[t])
                {
                    int g = 1 - covered[t];
                    norm += g * g;
                }
            }

            if (norm == 0)
            {
                // The relaxed solution is a plan: optimal here, and the bound is its cost.
                RelaxedPlan = (int[])relaxed.Clone();
                Bound = Math.Max(Bound, value);
                Array.Copy(multiplier, bestMultiplier, n);
                break;
            }

            if (Bound >= target - 1e-9)
            {
                break;
            }

            double step = stepScale * Math.Max(target - value, 1e-6 * Math.Max(1, Math.Abs(target))) / norm;
            for (int t = 0; t < n; t++)
            {
                if (free[t])
                {
                    multiplier[t] += step * (1 - covered[t]);
                }
            }
        }
    }

    /// <summary>
    /// Which (task, agent) pairs a plan better than <paramref name="incumbent"/> by at least <paramref name="step"/>
    /// may use, under the best multipliers: [t * AgentCount + a] for agents and [n * AgentCount + t] for dropping t.
    /// Forced tasks keep only their agent.
    /// </summary>
    public Reduction Reduce(double incumbent, double step)
    {
        var allowed = new bool[(n * m) + n];
        var forcedNow = (int[])forced.Clone();
        var inBound = new double[(n * m) + n];
        Array.Fill(inBound, double.PositiveInfinity);
        if (double.IsNegativeInfinity(Bound) || Infeasible)
        {
            return new Reduction(allowed, forcedNow, 0, 0, Bound, inBound);
        }

        Array.Copy(bestMultiplier, multiplier, n);
        var covered = new int[n];
        double bound = Evaluate(covered);
        double tolerance = 1e-7 * Math.Max(1, Math.Abs(incumbent));
        double cutoff = incumbent - step + tolerance; // a forced bound above this cannot lead to a better plan
        int kept = 0, total = 0;
        for (int t = 0; t < n; t++)
        {
            if (!free[t])
            {
                allowed[forced[t] == PureAssignment.Dropped ? (n * m) + t : (t * m) + forced[t]] = true;
            }
        }

        for (int a = 0; a < m; a++)
        {
            var (zIn, zOut, z) = solver.ForcedValues(a, multiplier, view, binding[a]);
            var items = itemsOf[a];
            for (int k = 0; k < items.Length; k++)
            {
                int t = items[k];
                total++;
                double withPair = bound + z - zIn[k];
                inBound[(t * m) + a] = withPair;
                if (withPair > cutoff)
                {
                    continue;
                }

                allowed[(t * m) + a] = true;
                kept++;
                if (bound + z - zOut[k] > cutoff)
                {
                    forcedNow[t] = forcedNow[t] == Free ? a : forcedNow[t];
                }
            }
        }

        for (int t = 0; t < n; t++)
        {
            if (!dropAllowed[t])
            {
                continue;
            }

            total++;
            double gain = Math.Max(0, multiplier[t] - view.DropCost);
            double withDrop = bound + gain - (multiplier[t] - view.DropCost);
            inBound[(n * m) + t] = withDrop;
            if (withDrop <= cutoff)
            {
                allowed[(n * m) + t] = true;
                kept++;
            }
        }

        return new Reduction(allowed, forcedNow, kept, total, bound, inBound);
    }

    /// <summary>L(λ) for the current multipliers; <paramref name="covered"/> counts how often each task is taken.</summary>
    private double Evaluate(int[] covered)
    {
        Array.Clear(covered);
        double value = fixedCost;
        for (int t = 0; t < n; t++)
        {
            if (!free[t])
            {
                relaxed[t] = forced[t];
                continue;
            }

            value += multiplier[t];
            relaxed[t] = PureAssignment.Dropped;
            if (dropAllowed[t] && multiplier[t] > view.DropCost)
            {
                value -= multiplier[t] - view.DropCost;
                covered[t]++;
            }
        }

        for (int a = 0; a < m; a++)
        {
            value -= solver.Solve(a, multiplier, view, binding[a], covered, relaxed);
        }

        return value;
    }

    /// <summary>What a plan better than the incumbent may still use.</summary>
    /// <param name="Allowed">[t * m + a]: task t may go to agent a; [n * m + t]: t may be dropped.</param>
    /// <param name="Forced">The agent task t must take (<see cref="Free"/> when none is forced).</param>
    /// <param name="Kept">Pairs (and drop options) left.</param>
    /// <param name="Total">Pairs (and drop options) before.</param>
    /// <param name="Bound">The Lagrangian bound the test used.</param>
    /// <param name="InBound">The bound with each pair forced in (positive infinity for pairs not in the relaxation).</param>
    public sealed record Reduction(bool[] Allowed, int[] Forced, int Kept, int Total, double Bound, double[] InBound)
    {
        /// <summary>Some required task has nowhere left to go: no plan beats the incumbent, which is optimal.</summary>
        public bool IncumbentOptimal(PureAssignment view)
        {
            ArgumentNullException.ThrowIfNull(view);
            int n = view.TaskCount, m = view.AgentCount;
            for (int t = 0; t < n; t++)
            {
                bool any = Allowed[(n * m) + t];
                foreach (int a in view.Options[t])
                {
                    any |= Allowed[(t * m) + a];
                }

                if (!any)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>0-1 knapsacks with real profits λ_t − c_ta and integer loads, by dynamic programming over capacity.</summary>
    private sealed class KnapsackSolver
    {
        // Shared by every relaxation on a thread: branch and bound builds one per node.
        [ThreadStatic]
        private static double[]? best;
        [ThreadStatic]
        private static bool[]? took;
        [ThreadStatic]
        private static int[]? chosen;
        [ThreadStatic]
        private static double[]? forward;
        [ThreadStatic]
        private static double[]? backward;

        private readonly int[][] itemsOf;
        private readonly long[] capacity;

        public KnapsackSolver(int[][] itemsOf, long[] capacity)
        {
            this.itemsOf = itemsOf;
            this.capacity = capacity;
        }

        /// <summary>Optimal knapsack value for agent a; adds each chosen task to <paramref name="covered"/>.</summary>
        public double Solve(int a, double[] multiplier, PureAssignment view, bool isBinding, int[] covered, int[] agentOf)
        {
            int m = view.AgentCount;
            var items = itemsOf[a];
            if (!isBinding)
            {
                double total = 0;
                foreach (int t in items)
                {
                    double p = multiplier[t] - view.PairCost[(t * m) + a];
                    if (p > 0)
                    {
                        total += p;
                        covered[t]++;
                        agentOf[t] = a;
                    }
                }

                return total;
            }

            int cap = (int)capacity[a];
            if (chosen is null || chosen.Length < items.Length)
            {
                chosen = new int[items.Length];
            }

            int count = 0;
            foreach (int t in items)
            {
                if (multiplier[t] - view.PairCost[(t * m) + a] > 0 && view.PairLoad[(t * m) + a] <= cap)
                {
                    chosen[count++] = t;
                }
            }

            if (best is null || best.Length < cap + 1)
            {
                best = new double[cap + 1];
            }

            if (took is null || took.Length < (long)count * (cap + 1))
            {
                took = new bool[count * (cap + 1)];
            }

            Array.Clear(best, 0, cap + 1);
            for (int k = 0; k < count; k++)
            {
                int t = chosen[k];
                double p = multiplier[t] - view.PairCost[(t * m) + a];
                int w = view.PairLoad[(t * m) + a];
                int row = k * (cap + 1);
                Array.Clear(took, row, cap + 1);
                for (int c = cap; c >= w; c--)
                {
                    double with = best[c - w] + p;
                    if (with > best[c])
                    {
                        best[c] = with;
                        took[row + c] = true;
                    }
                }
            }

            double value = best[cap];
            int left = cap;
            for (int k = count - 1; k >= 0; k--)
            {
                if (took[(k * (cap + 1)) + left])
                {
                    int t = chosen[k];
                    covered[t]++;
                    agentOf[t] = a;
                    left -= view.PairLoad[(t * m) + a];
                }
            }

            return value;
        }

        /// <summary>
        /// For each item of agent a (in <c>itemsOf[a]</c> order): the knapsack optimum with the item forced in and
        /// forced out, and the unconstrained optimum z.
        /// </summary>
        public (double[] In, double[] Out, double Z) ForcedValues(int a, double[] multiplier, PureAssignment view, bool isBinding)
        {
            int m = view.AgentCount;
            var items = itemsOf[a];
            int count = items.Length;
            var zIn = new double[count];
            var zOut = new double[count];
            if (!isBinding)
            {
                double z = 0;
                foreach (int t in items)
                {
                    z += Math.Max(0, multiplier[t] - view.PairCost[(t * m) + a]);
                }

                for (int k = 0; k < count; k++)
                {
                    double p = multiplier[items[k]] - view.PairCost[(items[k] * m) + a];
                    zIn[k] = z - Math.Max(0, p) + p;
                    zOut[k] = z - Math.Max(0, p);
                }

                return (zIn, zOut, z);
            }

            int cap = (int)capacity[a];
            int width = cap + 1;
            if (forward is null || backward is null || forward.Length < (long)(count + 1) * width)
            {
                forward = new double[(count + 1) * width];
                backward = new double[(count + 1) * width];
            }

            // forward[k]: best over items 0..k-1 within each capacity; backward[k]: over items k..count-1.
            Array.Clear(forward, 0, width);
            for (int k = 0; k < count; k++)
            {
                Extend(forward, k * width, (k + 1) * width, cap, items[k], a, multiplier, view);
            }

            Array.Clear(backward, count * width, width);
            for (int k = count - 1; k >= 0; k--)
            {
                Extend(backward, (k + 1) * width, k * width, cap, items[k], a, multiplier, view);
            }

            double zAll = forward[(count * width) + cap];
            for (int k = 0; k < count; k++)
            {
                int t = items[k];
                double p = multiplier[t] - view.PairCost[(t * m) + a];
                int w = view.PairLoad[(t * m) + a];
                int before = k * width, after = (k + 1) * width;
                zOut[k] = Combine(forward, backward, before, after, cap);
                zIn[k] = w <= cap ? p + Combine(forward, backward, before, after, cap - w) : double.NegativeInfinity;
            }

            return (zIn, zOut, zAll);
        }

        private void Extend(double[] table, int from, int to, int cap, int t, int a, double[] multiplier, PureAssignment view)
        {
            int m = view.AgentCount;
            double p = multiplier[t] - view.PairCost[(t * m) + a];
            int w = view.PairLoad[(t * m) + a];
            for (int c = 0; c <= cap; c++)
            {
                double keep = table[from + c];
                table[to + c] = p > 0 && c >= w ? Math.Max(keep, table[from + c - w] + p) : keep;
            }
        }

        /// <summary>Best split of capacity <paramref name="cap"/> between items before k and items after k.</summary>
        private static double Combine(double[] forward, double[] backward, int before, int after, int cap)
        {
            double value = double.NegativeInfinity;
            for (int u = 0; u <= cap; u++)
            {
                value = Math.Max(value, forward[before + u] + backward[after + cap - u]);
            }

            return value;
        }
    }
}
