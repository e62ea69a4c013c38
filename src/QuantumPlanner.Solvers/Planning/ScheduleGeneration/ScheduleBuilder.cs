using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Solvers.Planning.ScheduleGeneration;

/// <summary>
/// Serial schedule generation: tasks are placed one at a time at the earliest start where the agent's capacity,
/// its availability windows, its maxWorkload, the shared resources, earliest starts and dependencies all allow.
/// Placements are a stack: <see cref="Undo"/> removes the last one exactly, so search can re-decode only the suffix
/// of an order that a move changed. The running objective mirrors <see cref="PlanScorer"/> for plans this builder
/// makes (they never break capacity, windows, skills or workload), so searches can compare without rescoring.
/// </summary>
internal sealed class ScheduleBuilder
{
    /// <summary>Hard units charged for a required task left out or a dependency that was not scheduled.</summary>
    public const double MissingPenalty = 10_000;

    private readonly CompiledProblem p;
    private readonly IntervalSet[] agentBusy;
    private readonly IntervalSet[] resourceUse;
    private readonly int[] workload;
    private readonly Frame[] frames;
    private int depth;

    private double hard;
    private double cost;
    private double tardiness;
    private double priority;
    private double preferences;
    private int dropped;
    private int makespan;

    public ScheduleBuilder(CompiledProblem problem)
    {
        p = problem;
        agentBusy = new IntervalSet[problem.AgentCount];
        for (var a = 0; a < agentBusy.Length; a++)
        {
            agentBusy[a] = new IntervalSet();
        }

        resourceUse = new IntervalSet[problem.ResourceCount];
        for (var r = 0; r < resourceUse.Length; r++)
        {
            resourceUse[r] = new IntervalSet();
        }

        workload = new int[problem.AgentCount];
        frames = new Frame[problem.TaskCount];
        TaskAgent = new int[problem.TaskCount];
        TaskStart = new int[problem.TaskCount];
        TaskEnd = new int[problem.TaskCount];
        Scheduled = new bool[problem.TaskCount];
    }

    public int Depth => depth;

    public int[] TaskAgent { get; }

    public int[] TaskStart { get; }

    public int[] TaskEnd { get; }

    public bool[] Scheduled { get; }

    public double Hard => hard;

    public int Makespan => makespan;

    public int Workload(int agent) => workload[agent];

    /// <summary>Weighted objective of the tasks placed so far (Σ weight × term, as the scorer defines the terms).</summary>
    public double Objective()
    {
        var w = p.Weights;
        var balance = 0;
        if (p.AgentCount > 0 && w.LoadBalance != 0)
        {
            var min = int.MaxValue;
            var max = int.MinValue;
            for (var a = 0; a < workload.Length; a++)
            {
                min = Math.Min(min, workload[a]);
                max = Math.Max(max, workload[a]);
            }

            balance = max - min;
        }

        return (w.Makespan * makespan) + (w.Cost * cost) + (w.Tardiness * tardiness) + (w.LoadBalance * balance)
            + (w.Priority * priority) - (w.Preferences * preferences) + (w.Unassigned * dropped);
    }

    /// <summary>The part of the objective that can only grow as more tasks are placed (everything but load balance and preferences).</summary>
    public double MonotoneObjective()
    {
        var w = p.Weights;
        return (w.Makespan * makespan) + (w.Cost * cost) + (w.Tardiness * tardiness) + (w.Priority * priority) + (w.Unassigned * dropped);
    }

    /// <summary>Σ preference weight of the chosen agents so far (the preferences term is its negation).</summary>
    public double PreferenceSum => preferences;

    /// <summary>Earliest time every scheduled dependency of <paramref name="task"/> has finished.</summary>
    public int ReadyTime(int task)
    {
        var ready = p.EarliestStart[task];
        foreach (var pred in p.Predecessors[task])
        {
            if (Scheduled[pred])
            {
                ready = Math.Max(ready, TaskEnd[pred]);
            }
        }

        return ready;
    }

    /// <summary>True when a dependency of <paramref name="task"/> was left out (dropped or impossible).</summary>
    public bool HasMissingPredecessor(int task)
    {
        foreach (var pred in p.Predecessors[task])
        {
            if (!Scheduled[pred])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Earliest start ≥ <paramref name="from"/> where the shared resources alone allow the task (agent-independent);
    /// a lower bound on <see cref="EarliestStart"/> for every agent, so callers trying many agents compute it once.
    /// </summary>
    public int ResourceReady(int task, int from)
    {
        // The shortest duration gives a bound valid for every agent: a start that fits a longer stay fits a shorter one.
        var d = p.MinDuration(task);
        var demandResources = p.DemandResource[task];
        var s = from;
        var moved = true;
        while (moved)
        {
            moved = false;
            for (var i = 0; i < demandResources.Length; i++)
            {
                var r = demandResources[i];
                var jump = resourceUse[r].Conflict(p.ResourceCapacity[r], p.DemandAmount[task][i], s, s + d);
                if (jump >= 0)
                {
                    s = jump;
                    moved = true;
                    break;
                }
            }
        }

        return s;
    }

    /// <summary>Earliest feasible start of <paramref name="task"/> on <paramref name="agent"/> from <paramref name="ready"/>; −1 when none.</summary>
    public int EarliestStart(int task, int agent, int ready)
    {
        var d = p.DurationOf(task, agent);
        if (agent >= 0 && (long)workload[agent] + d > p.MaxWorkload[agent])
        {
            return -1;
        }

        var s = ready;
        var demandResources = p.DemandResource[task];
        var demandAmounts = p.DemandAmount[task];
        while (true)
        {
            if (agent >= 0)
            {
                var starts = p.WindowStart[agent];
                if (starts.Length > 0)
                {
                    s = FitWindow(starts, p.WindowEnd[agent], s, d);
                    if (s < 0)
                    {
                        return -1;
                    }
                }

                var jump = agentBusy[agent].Conflict(p.AgentCapacity[agent], 1, s, s + d);
                if (jump >= 0)
                {
                    s = jump;
                    continue;
                }
            }

            var moved = false;
            for (var i = 0; i < demandResources.Length; i++)
            {
                var r = demandResources[i];
                var jump = resourceUse[r].Conflict(p.ResourceCapacity[r], demandAmounts[i], s, s + d);
                if (jump >= 0)
                {
                    s = jump;
                    moved = true;
                    break;
                }
            }

            if (!moved)
            {
                return s;
            }
        }
    }

    /// <summary>
    /// Earliest start ≥ <paramref name="s"/> inside one window long enough for <paramref name="d"/>, or −1.
    /// Windows are sorted and disjoint, so a binary search skips every window that ends too early.
    /// </summary>
    private static int FitWindow(int[] starts, int[] ends, int s, int d)
    {
        int lo = 0, hi = ends.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if ((long)ends[mid] < (long)s + d)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (var k = lo; k < starts.Length; k++)
        {
            var candidate = Math.Max(s, starts[k]);
            if ((long)candidate + d <= ends[k])
            {
                return candidate;
            }
        }

        return -1;
    }

    public void Place(int task, int agent, int start)
    {
        var d = p.DurationOf(task, agent);
        var end = start + d;
        frames[depth++] = Snapshot(task, agent);
        if (agent >= 0)
        {
            agentBusy[agent].Add(start, end, 1);
            workload[agent] += d;
            cost += p.Cost[task][agent];
            preferences += p.Preference[task][agent];
        }

        var demandResources = p.DemandResource[task];
        for (var i = 0; i < demandResources.Length; i++)
        {
            resourceUse[demandResources[i]].Add(start, end, p.DemandAmount[task][i]);
        }

        foreach (var pred in p.Predecessors[task])
        {
            if (!Scheduled[pred])
            {
                hard += MissingPenalty;
            }
        }

        var deadline = p.Deadline[task];
        if (end > deadline)
        {
            tardiness += end - deadline;
            if (p.HardDeadlines)
            {
                hard += end - deadline;
            }
        }

        if (end > p.Horizon)
        {
            hard += end - p.Horizon;
        }

        priority += p.Priority[task] * end;
        makespan = Math.Max(makespan, end);
        TaskAgent[task] = agent;
        TaskStart[task] = start;
        TaskEnd[task] = end;
        Scheduled[task] = true;
    }

    /// <summary>Leaves <paramref name="task"/> out: a dropped optional task, or a required one that cannot be placed.</summary>
    public void Skip(int task)
    {
        frames[depth++] = Snapshot(task, -2);
        if (p.Optional[task])
        {
            dropped++;
        }
        else
        {
            hard += MissingPenalty;
        }

        Scheduled[task] = false;
    }

    public void Undo()
    {
        var f = frames[--depth];
        if (f.Agent >= -1)
        {
            if (f.Agent >= 0)
            {
                agentBusy[f.Agent].RemoveLast();
                workload[f.Agent] -= p.DurationOf(f.Task, f.Agent);
            }

            foreach (var r in p.DemandResource[f.Task])
            {
                resourceUse[r].RemoveLast();
            }
        }

        Scheduled[f.Task] = false;
        hard = f.Hard;
        cost = f.Cost;
        tardiness = f.Tardiness;
        priority = f.Priority;
        preferences = f.Preferences;
        dropped = f.Dropped;
        makespan = f.Makespan;
    }

    public void Clear()
    {
        while (depth > 0)
        {
            Undo();
        }
    }

    /// <summary>The placed tasks as assignments, in placement order.</summary>
    public List<Assignment> Assignments()
    {
        var list = new List<Assignment>(depth);
        for (var i = 0; i < depth; i++)
        {
            var f = frames[i];
            if (f.Agent >= -1)
            {
                list.Add(p.ToAssignment(f.Task, f.Agent, TaskStart[f.Task]));
            }
        }

        return list;
    }

    private Frame Snapshot(int task, int agent) => new(task, agent, hard, cost, tardiness, priority, preferences, dropped, makespan);

    /// <summary>Agent −2 marks a skipped task.</summary>
    private readonly record struct Frame(int Task, int Agent, double Hard, double Cost, double Tardiness, double Priority, double Preferences, int Dropped, int Makespan);
}

/// <summary>Busy intervals with demands on one agent or resource, appended and removed in stack order.</summary>
internal sealed class IntervalSet
{
    private int[] starts = new int[8];
    private int[] ends = new int[8];
    private int[] demands = new int[8];
    private int[] overlap = new int[8];
    private int count;

    public void Add(int start, int end, int demand)
    {
        if (count == starts.Length)
        {
            Array.Resize(ref starts, count * 2);
            Array.Resize(ref ends, count * 2);
            Array.Resize(ref demands, count * 2);
        }

        starts[count] = start;
        ends[count] = end;
        demands[count] = demand;
        count++;
    }

    public void RemoveLast() => count--;

    /// <summary>
    /// −1 when adding [s, e) with <paramref name="demand"/> keeps the load within <paramref name="capacity"/>; otherwise
    /// the earliest time the conflict can clear (the first end among the intervals covering an overloaded point), since
    /// any start before that still covers that point with the same intervals.
    /// </summary>
    public int Conflict(int capacity, int demand, int s, int e)
    {
        if (capacity == 1)
        {
            for (var i = 0; i < count; i++)
            {
                if (starts[i] < e && ends[i] > s)
                {
                    return ends[i];
                }
            }

            return -1;
        }

        // Only intervals overlapping [s, e) matter; gather them once, then test the points where load can rise.
        var m = 0;
        for (var i = 0; i < count; i++)
        {
            if (starts[i] < e && ends[i] > s)
            {
                if (m == overlap.Length)
                {
                    Array.Resize(ref overlap, m * 2);
                }

                overlap[m++] = i;
            }
        }

        var limit = capacity - demand;
        var jump = Load(s, limit, m);
        if (jump >= 0)
        {
            return jump;
        }

        for (var k = 0; k < m; k++)
        {
            var x = starts[overlap[k]];
            if (x > s)
            {
                jump = Load(x, limit, m);
                if (jump >= 0)
                {
                    return jump;
                }
            }
        }

        return -1;
    }

    private int Load(int x, int limit, int m)
    {
        var load = 0;
        var minEnd = int.MaxValue;
        for (var k = 0; k < m; k++)
        {
            var i = overlap[k];
            if (starts[i] <= x && x < ends[i])
            {
                load += demands[i];
                minEnd = Math.Min(minEnd, ends[i]);
            }
        }

        return load > limit ? minEnd : -1;
    }
}
