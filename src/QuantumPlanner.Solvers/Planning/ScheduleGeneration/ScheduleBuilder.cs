using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Solvers.Planning.ScheduleGeneration;

/// <summary>
/// Serial schedule generation: tasks are placed one at a time at the earliest start where the agent's capacity,
/// its availability windows, its maxWorkload, the shared resources, earliest starts and dependencies all allow.
/// Placements are a stack: <see cref="Undo"/> removes the last one exactly, so search can re-decode only the suffix
/// of an order that a move changed. The builder is the incremental evaluator of the catalogue's terms
/// (<see cref="ObjectiveCatalogue"/>): it keeps one <see cref="TermValues"/> as the scorer defines each term and
/// weights it with the problem's weights, so adding a term means one update here; check mode
/// (<see cref="Verify"/>) compares it with <see cref="PlanScorer"/>. Pinned baseline tasks are reserved on their agent
/// and resources before anything is placed, so every other task is placed around them.
/// Milestones (duration 0) take no capacity, resource or workload.
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
    private readonly double[] weights;
    private int depth;

    private double hard;
    private TermValues terms;

    public ScheduleBuilder(CompiledProblem problem)
    {
        p = problem;
        weights = problem.WeightVector;
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
        ReservePins();
    }

    public int Depth => depth;

    public int[] TaskAgent { get; }

    public int[] TaskStart { get; }

    public int[] TaskEnd { get; }

    public bool[] Scheduled { get; }

    public double Hard => hard;

    public int Makespan => (int)terms[(int)ObjectiveTerm.Makespan];

    public int Workload(int agent) => workload[agent];

    /// <summary>Weighted objective of the tasks placed so far (Σ weight × term, as the scorer defines the terms).</summary>
    public double Objective()
    {
        if (weights[(int)ObjectiveTerm.LoadBalance] != 0)
        {
            terms[(int)ObjectiveTerm.LoadBalance] = LoadBalance();
        }

        var total = 0.0;
        for (var i = 0; i < ObjectiveCatalogue.Count; i++)
        {
            total += weights[i] * terms[i];
        }

        return total;
    }

    /// <summary>The part of the objective that can only grow as more tasks are placed (everything but load balance and preferences).</summary>
    public double MonotoneObjective()
    {
        var total = 0.0;
        for (var i = 0; i < ObjectiveCatalogue.Count; i++)
        {
            if (i is not ((int)ObjectiveTerm.LoadBalance or (int)ObjectiveTerm.Preferences))
            {
                total += weights[i] * terms[i];
            }
        }

        return total;
    }

    /// <summary>Σ preference weight of the chosen agents so far (the preferences term is its negation).</summary>
    public double PreferenceSum => -terms[(int)ObjectiveTerm.Preferences];

    /// <summary>Every term's value for the tasks placed so far (load balance included).</summary>
    public TermValues Terms()
    {
        var values = terms;
        values[(int)ObjectiveTerm.LoadBalance] = LoadBalance();
        return values;
    }

    /// <summary>Check mode: re-scores the placed plan with <see cref="PlanScorer"/> and throws on any term that differs.</summary>
    public void Verify(string backend) =>
        ObjectiveCheck.Verify(backend, p.Problem, Assignments(), Terms(), hard == 0);

    private int LoadBalance()
    {
        if (p.AgentCount == 0)
        {
            return 0;
        }

        var min = int.MaxValue;
        var max = int.MinValue;
        for (var a = 0; a < workload.Length; a++)
        {
            min = Math.Min(min, workload[a]);
            max = Math.Max(max, workload[a]);
        }

        return max - min;
    }

    /// <summary>Pinned tasks hold their agent, resources and workload from the start; <see cref="Place"/> then only books their terms.</summary>
    private void ReservePins()
    {
        for (var t = 0; t < p.TaskCount; t++)
        {
            if (!p.IsPinned(t))
            {
                continue;
            }

            var agent = p.Options[t][0];
            var start = p.PinnedStart[t];
            var d = p.DurationOf(t, agent);
            if (d == 0)
            {
                continue;
            }

            if (agent >= 0)
            {
                agentBusy[agent].Add(start, start + d, 1);
                workload[agent] += d;
            }

            for (var i = 0; i < p.DemandResource[t].Length; i++)
            {
                resourceUse[p.DemandResource[t][i]].Add(start, start + d, p.DemandAmount[t][i]);
            }
        }
    }

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
        if (p.IsPinned(task))
        {
            // Reserved at construction: the pin's slot is free whatever was placed before.
            return agent == p.Options[task][0] ? p.PinnedStart[task] : -1;
        }

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

                if (d == 0)
                {
                    return s;
                }

                var jump = agentBusy[agent].Conflict(p.AgentCapacity[agent], 1, s, s + d);
                if (jump >= 0)
                {
                    s = jump;
                    continue;
                }
            }

            var moved = false;
            for (var i = 0; i < demandResources.Length && d > 0; i++)
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
    /// <see cref="EarliestStart"/>, or the task's baseline start on its baseline agent when that is later and still
    /// feasible and changes are weighted: holding a task where it was is how a re-plan avoids a change. (With the
    /// baseline start among the candidates, serial generation still reaches an optimal plan: tasks that keep their
    /// baseline are fixed, and every other task is left-shifted as for a regular objective.)
    /// </summary>
    public int Start(int task, int agent, int ready)
    {
        var s = EarliestStart(task, agent, ready);
        return s >= 0 && KeepStart(task, agent, s) is var keep && keep >= 0 ? keep : s;
    }

    /// <summary>The baseline start when <see cref="Start"/> would hold the task there instead of at <paramref name="earliest"/>; else −1.</summary>
    public int KeepStart(int task, int agent, int earliest)
    {
        if (!p.HasBaseline || weights[(int)ObjectiveTerm.Changes] == 0 || p.BaselineAgent[task] != agent || p.IsPinned(task))
        {
            return -1;
        }

        var held = p.BaselineStart[task];
        return held > earliest && EarliestStart(task, agent, held) == held ? held : -1;
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
        var pinned = p.IsPinned(task);
        frames[depth++] = new Frame(task, agent, hard, terms);
        if (agent >= 0)
        {
            if (d > 0 && !pinned)
            {
                agentBusy[agent].Add(start, end, 1);
                workload[agent] += d;
            }

            terms[(int)ObjectiveTerm.Cost] += p.Cost[task][agent];
            terms[(int)ObjectiveTerm.Preferences] -= p.Preference[task][agent];
        }

        var demandResources = p.DemandResource[task];
        for (var i = 0; i < demandResources.Length && d > 0 && !pinned; i++)
        {
            resourceUse[demandResources[i]].Add(start, end, p.DemandAmount[task][i]);
        }

        foreach (var pred in p.Predecessors[task])
        {
            if (!Scheduled[pred])
            {
                hard += MissingPenalty;
            }
            else if (TaskEnd[pred] > start)
            {
                // Only a pin can start before a dependency ends; every other start comes from ReadyTime.
                hard += TaskEnd[pred] - start;
            }
        }

        var deadline = p.Deadline[task];
        if (end > deadline)
        {
            terms[(int)ObjectiveTerm.Tardiness] += end - deadline;
            if (p.HardDeadlines)
            {
                hard += end - deadline;
            }
        }

        if (end > p.Horizon)
        {
            hard += end - p.Horizon;
        }

        terms[(int)ObjectiveTerm.Priority] += p.Priority[task] * end;
        terms[(int)ObjectiveTerm.Makespan] = Math.Max(terms[(int)ObjectiveTerm.Makespan], end);
        if (!p.KeepsBaseline(task, agent, start))
        {
            terms[(int)ObjectiveTerm.Changes]++;
        }

        TaskAgent[task] = agent;
        TaskStart[task] = start;
        TaskEnd[task] = end;
        Scheduled[task] = true;
    }

    /// <summary>Leaves <paramref name="task"/> out: a dropped optional task, or a required one that cannot be placed.</summary>
    public void Skip(int task)
    {
        frames[depth++] = new Frame(task, -2, hard, terms);
        if (p.Optional[task] && !p.IsPinned(task))
        {
            terms[(int)ObjectiveTerm.Unassigned]++;
        }
        else
        {
            hard += MissingPenalty;
        }

        if (p.BaselineAgent[task] != CompiledProblem.NotInBaseline)
        {
            terms[(int)ObjectiveTerm.Changes]++;
        }

        Scheduled[task] = false;
    }

    public void Undo()
    {
        var f = frames[--depth];
        if (f.Agent >= -1 && !p.IsPinned(f.Task) && p.DurationOf(f.Task, f.Agent) > 0)
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
        terms = f.Terms;
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

    /// <summary>Agent −2 marks a skipped task; the state before the placement, restored by <see cref="Undo"/>.</summary>
    private readonly record struct Frame(int Task, int Agent, double Hard, TermValues Terms);
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
        if (e <= s)
        {
            return -1;
        }

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
