using System.Diagnostics;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Planning.GeneralizedAssignment;

/// <summary>
/// Tabu search for a <see cref="PureAssignment"/> in the tradition of Díaz &amp; Fernández (2001) and Yagiura, Ibaraki
/// &amp; Glover (2004): the search may overfill agents, paying a penalty for each unit above maxWorkload, and the
/// penalty adapts (up while some agent is overfull, down while none is), so it oscillates across
/// the feasibility boundary where GAP optima sit instead of creeping along it. Every iteration takes the best
/// non-tabu move of the whole shift (one task to another agent, or dropped) and swap (two tasks trade agents)
/// neighbourhoods, ties broken at random; a task may not return to an agent it left for a randomised tenure unless
/// that finds a better feasible plan (aspiration). After a long stretch without a new best it restarts from the best
/// plan with a random kick. Same seed and MaxIterations → same plan.
/// </summary>
internal sealed class AssignmentTabuSearch
{
    private const double PenaltyStep = 0.05;
    private const double TenureScale = 0.5;
    private const long StagnationPerTask = 20;
    private const double PenaltyFloor = 1e-3;
    private const double PenaltyCeiling = 1e4;

    private readonly int[][] options;
    private readonly bool[] droppable;
    private readonly double[] pairCost;
    private readonly int[] pairLoad;
    private readonly long[] capacity;
    private readonly double dropCost;
    private readonly int n;
    private readonly int m;
    private readonly int slots;
    private readonly int[] agentOf;
    private readonly long[] load;
    private readonly long[] tabuUntil;
    private readonly bool[] allowed;
    private readonly int[] bestAgentOf;
    private readonly double initialPenalty;
    private readonly int tenureBase;
    private Xoshiro256 rng;
    private double cost;
    private double penalty;
    private long excess;
    private double bestCost = double.PositiveInfinity;
    private long bestExcess = long.MaxValue;

    public AssignmentTabuSearch(PureAssignment model, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        options = [.. model.Options];
        droppable = [.. model.Droppable];
        pairCost = [.. model.PairCost];
        pairLoad = [.. model.PairLoad];
        capacity = [.. model.Capacity];
        dropCost = model.DropCost;
        n = model.TaskCount;
        m = model.AgentCount;
        slots = m + 1; // the last slot of a task stands for "dropped"
        agentOf = new int[n];
        bestAgentOf = new int[n];
        load = new long[m];
        tabuUntil = new long[n * slots];
        allowed = new bool[n * m];
        rng = new Xoshiro256(seed);
        for (int t = 0; t < n; t++)
        {
            foreach (int a in options[t])
            {
                allowed[(t * m) + a] = true;
            }
        }

        initialPenalty = InitialPenalty();
        tenureBase = Math.Max(3, (int)(Math.Sqrt((double)n * m) * TenureScale));
    }

    public long Iterations { get; private set; }

    /// <summary>Called with each new best plan (agent per task, its cost, whether it fits every maxWorkload): check mode.</summary>
    public Action<int[], double, bool>? OnImprovement { get; init; }

    /// <summary>Best plan found: each task's agent (or <see cref="PureAssignment.Dropped"/>), whether it fits every
    /// maxWorkload, and its objective.</summary>
    public (int[] AgentOf, bool Feasible, double Cost) Run(
        int[]? start, TimeSpan timeLimit, long maxIterations, Action<double>? onProgress, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        Initialise(start);
        Remember(onProgress);
        long stagnation = Math.Max(200, StagnationPerTask * n);
        long lastGain = 0;
        double limitMs = timeLimit.TotalMilliseconds;
        for (long iter = 1; iter <= maxIterations; iter++)
        {
            if ((iter & 15) == 0 && (ct.IsCancellationRequested || watch.Elapsed.TotalMilliseconds >= limitMs))
            {
                break;
            }

            Iterations = iter;
            if (!Step(iter))
            {
                break; // no move at all: every task has one option
            }

            AdaptPenalty();
            if (Remember(onProgress))
            {
                lastGain = iter;
            }
            else if (iter - lastGain > stagnation)
            {
                Kick();
                lastGain = iter;
            }
        }

        return ((int[])bestAgentOf.Clone(), bestExcess == 0, bestCost);
    }

    private double InitialPenalty()
    {
        // One unit of overload should cost about what one unit of workload is worth in the objective.
        double spread = 0;
        double loads = 0;
        long pairs = 0;
        for (int t = 0; t < n; t++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            foreach (int a in options[t])
            {
                lo = Math.Min(lo, pairCost[(t * m) + a]);
                hi = Math.Max(hi, pairCost[(t * m) + a]);
                loads += pairLoad[(t * m) + a];
                pairs++;
            }

            if (options[t].Length > 1)
            {
                spread += hi - lo;
            }
        }

        double meanLoad = pairs == 0 ? 1 : Math.Max(1, loads / pairs);
        return Math.Max(1e-6, spread / Math.Max(1, n) / meanLoad);
    }

    private void Initialise(int[]? start)
    {
        Array.Clear(load);
        cost = 0;
        for (int t = 0; t < n; t++)
        {
            int a = start is not null && start[t] < m && (start[t] == PureAssignment.Dropped ? droppable[t] : start[t] >= 0 && allowed[(t * m) + start[t]])
                ? start[t]
                : CheapestOption(t);
            agentOf[t] = a;
            if (a >= 0)
            {
                load[a] += pairLoad[(t * m) + a];
                cost += pairCost[(t * m) + a];
            }
            else
            {
                cost += dropCost;
            }
        }

        penalty = initialPenalty;
        excess = 0;
        for (int a = 0; a < m; a++)
        {
            excess += Excess(a, load[a]);
        }
    }

    private int CheapestOption(int t)
    {
        int chosen = PureAssignment.Dropped;
        double best = droppable[t] ? dropCost : double.PositiveInfinity;
        foreach (int a in options[t])
        {
            if (pairCost[(t * m) + a] < best)
            {
                best = pairCost[(t * m) + a];
                chosen = a;
            }
        }

        return chosen;
    }

    private long Excess(int agent, long agentLoad) => Math.Max(0, agentLoad - capacity[agent]);

    /// <summary>Penalty change when <paramref name="agent"/>'s load moves by <paramref name="delta"/>.</summary>
    private double PenaltyDelta(int agent, long delta, out long excessDelta)
    {
        long before = Excess(agent, load[agent]);
        excessDelta = Excess(agent, load[agent] + delta) - before;
        return penalty * excessDelta;
    }

    private bool Step(long iter)
    {
        double bestValue = double.PositiveInfinity;
        int ties = 0;
        int moveTask = -1, moveTo = 0, swapTask = -1;
        for (int t = 0; t < n; t++)
        {
            int from = agentOf[t];
            long removed = from >= 0 ? -pairLoad[(t * m) + from] : 0;
            double leaveCost = from >= 0 ? pairCost[(t * m) + from] : dropCost;
            double leavePenalty = 0;
            long leaveExcess = 0;
            if (from >= 0)
            {
                leavePenalty = PenaltyDelta(from, removed, out leaveExcess);
            }

            foreach (int to in options[t])
            {
                if (to == from)
                {
                    continue;
                }

                double dc = pairCost[(t * m) + to] - leaveCost;
                double value = dc + leavePenalty + PenaltyDelta(to, pairLoad[(t * m) + to], out long ex);
                if (Admissible(t, to, iter, dc, leaveExcess + ex) && Better(value, ref bestValue, ref ties))
                {
                    (moveTask, moveTo, swapTask) = (t, to, -1);
                }
            }

            if (from >= 0 && droppable[t])
            {
                double dc = dropCost - leaveCost;
                if (Admissible(t, m, iter, dc, leaveExcess) && Better(dc + leavePenalty, ref bestValue, ref ties))
                {
                    (moveTask, moveTo, swapTask) = (t, PureAssignment.Dropped, -1);
                }
            }
        }

        for (int t1 = 0; t1 < n; t1++)
        {
            int a1 = agentOf[t1];
            if (a1 < 0)
            {
                continue;
            }

            int row1 = t1 * m;
            for (int t2 = t1 + 1; t2 < n; t2++)
            {
                int a2 = agentOf[t2];
                int row2 = t2 * m;
                if (a2 < 0 || a2 == a1 || !allowed[row1 + a2] || !allowed[row2 + a1])
                {
                    continue;
                }

                double dc = pairCost[row1 + a2] + pairCost[row2 + a1] - pairCost[row1 + a1] - pairCost[row2 + a2];
                double value = dc
                    + PenaltyDelta(a1, (long)pairLoad[row2 + a1] - pairLoad[row1 + a1], out long ex1)
                    + PenaltyDelta(a2, (long)pairLoad[row1 + a2] - pairLoad[row2 + a2], out long ex2);
                if (value > bestValue)
                {
                    continue;
                }

                bool tabu = tabuUntil[(t1 * slots) + a2] > iter || tabuUntil[(t2 * slots) + a1] > iter;
                if ((!tabu || Aspires(dc, ex1 + ex2)) && Better(value, ref bestValue, ref ties))
                {
                    (moveTask, moveTo, swapTask) = (t1, a2, t2);
                }
            }
        }

        if (moveTask < 0)
        {
            return false;
        }

        if (swapTask >= 0)
        {
            int a1 = agentOf[moveTask];
            Move(moveTask, moveTo, iter);
            Move(swapTask, a1, iter);
        }
        else
        {
            Move(moveTask, moveTo, iter);
        }

        return true;
    }

    private bool Admissible(int task, int to, long iter, double costDelta, long excessDelta) =>
        tabuUntil[(task * slots) + (to < 0 ? m : to)] <= iter || Aspires(costDelta, excessDelta);

    /// <summary>A tabu move is allowed when it yields a feasible plan better than the best one.</summary>
    private bool Aspires(double costDelta, long excessDelta) =>
        excess + excessDelta == 0 && cost + costDelta < bestCost - 1e-9;

    private bool Better(double value, ref double bestValue, ref int ties)
    {
        if (value < bestValue - 1e-12)
        {
            bestValue = value;
            ties = 1;
            return true;
        }

        if (value <= bestValue + 1e-12)
        {
            ties++;
            return rng.NextInt(ties) == 0;
        }

        return false;
    }

    private void Move(int task, int to, long iter)
    {
        int from = agentOf[task];
        if (from >= 0)
        {
            excess -= Excess(from, load[from]);
            load[from] -= pairLoad[(task * m) + from];
            excess += Excess(from, load[from]);
            cost -= pairCost[(task * m) + from];
        }
        else
        {
            cost -= dropCost;
        }

        if (to >= 0)
        {
            excess -= Excess(to, load[to]);
            load[to] += pairLoad[(task * m) + to];
            excess += Excess(to, load[to]);
            cost += pairCost[(task * m) + to];
        }
        else
        {
            cost += dropCost;
        }

        agentOf[task] = to;
        tabuUntil[(task * slots) + (from < 0 ? m : from)] = iter + tenureBase + rng.NextInt(tenureBase);
    }

    /// <summary>One penalty for all agents: raised while the plan overfills any agent, lowered while it fits, so
    /// overload cannot be chased from agent to agent on tight instances (docs/planning.md, "Pure assignment problems").</summary>
    private void AdaptPenalty()
    {
        penalty = excess > 0
            ? Math.Min(initialPenalty * PenaltyCeiling, penalty * (1 + PenaltyStep))
            : Math.Max(initialPenalty * PenaltyFloor, penalty * (1 - PenaltyStep));
    }

    /// <summary>Keeps the current plan if it is the best so far (fewer overload units first, then cost).</summary>
    private bool Remember(Action<double>? onProgress)
    {
        if (excess < bestExcess || (excess == bestExcess && cost < bestCost - 1e-9))
        {
            bestExcess = excess;
            bestCost = cost;
            Array.Copy(agentOf, bestAgentOf, n);
            if (excess == 0)
            {
                onProgress?.Invoke(cost);
            }

            OnImprovement?.Invoke(bestAgentOf, cost, excess == 0);
            return true;
        }

        return false;
    }

    private void Kick()
    {
        Initialise(bestAgentOf);
        int kicks = 2 + (n / 20);
        for (int k = 0; k < kicks; k++)
        {
            int t = rng.NextInt(n);
            var choices = options[t];
            if (choices.Length > 0)
            {
                int to = choices[rng.NextInt(choices.Length)];
                if (to != agentOf[t])
                {
                    Move(t, to, Iterations);
                }
            }
        }
    }
}
