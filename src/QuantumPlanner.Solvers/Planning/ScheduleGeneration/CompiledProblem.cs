using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Solvers.Planning.ScheduleGeneration;

/// <summary>
/// A validated problem turned into arrays indexed by task, agent and resource, so the schedule generator and the
/// search loops work on ints instead of dictionaries. With no agents (RCPSP) every task has the single pseudo-agent −1.
/// Per-pair quantities come from the Core functions (DurationOn, CostOn, PreferenceFor, HasSkillsFor); a pinned
/// baseline task has its pinned agent as its only option and a fixed start.
/// </summary>
internal sealed class CompiledProblem
{
    public const int NoAgent = -1;

    /// <summary><see cref="BaselineAgent"/> of a task the baseline does not hold.</summary>
    public const int NotInBaseline = int.MinValue;

    /// <summary><see cref="BaselineAgent"/> of a baseline task whose agent left the problem: it cannot keep its baseline.</summary>
    public const int BaselineAgentGone = -4;

    /// <summary><see cref="PinnedStart"/> of a task that is not pinned.</summary>
    public const int NotPinned = -1;

    public CompiledProblem(PlanningProblem problem)
    {
        Problem = problem;
        TaskCount = problem.Tasks.Count;
        AgentCount = problem.Agents.Count;
        ResourceCount = problem.Resources.Count;
        var taskIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var t = 0; t < TaskCount; t++)
        {
            taskIndex[problem.Tasks[t].Id] = t;
        }

        var resourceIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        ResourceCapacity = new int[ResourceCount];
        for (var r = 0; r < ResourceCount; r++)
        {
            resourceIndex[problem.Resources[r].Id] = r;
            ResourceCapacity[r] = problem.Resources[r].Capacity;
        }

        AgentCapacity = new int[AgentCount];
        MaxWorkload = new int[AgentCount];
        WindowStart = new int[AgentCount][];
        WindowEnd = new int[AgentCount][];
        for (var a = 0; a < AgentCount; a++)
        {
            var agent = problem.Agents[a];
            AgentCapacity[a] = agent.Capacity;
            MaxWorkload[a] = agent.MaxWorkload ?? int.MaxValue;
            WindowStart[a] = agent.Availability.Select(w => w.Start).ToArray();
            WindowEnd[a] = agent.Availability.Select(w => w.End).ToArray();
        }

        Horizon = problem.Horizon ?? int.MaxValue;
        EarliestStart = new int[TaskCount];
        Deadline = new int[TaskCount];
        Optional = new bool[TaskCount];
        Priority = new double[TaskCount];
        Predecessors = new int[TaskCount][];
        Successors = new int[TaskCount][];
        DemandResource = new int[TaskCount][];
        DemandAmount = new int[TaskCount][];
        Options = new int[TaskCount][];
        Duration = new int[TaskCount][];
        Cost = new double[TaskCount][];
        Preference = new double[TaskCount][];
        BaselineAgent = new int[TaskCount];
        BaselineStart = new int[TaskCount];
        PinnedStart = new int[TaskCount];
        Array.Fill(BaselineAgent, NotInBaseline);
        Array.Fill(PinnedStart, NotPinned);
        var agentIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var a = 0; a < AgentCount; a++)
        {
            agentIndex.TryAdd(problem.Agents[a].Id, a);
        }

        var baseline = problem.BaselineByTask();
        var successors = new List<int>[TaskCount];
        for (var t = 0; t < TaskCount; t++)
        {
            successors[t] = [];
        }

        for (var t = 0; t < TaskCount; t++)
        {
            var task = problem.Tasks[t];
            EarliestStart[t] = task.EarliestStart;
            Deadline[t] = task.Deadline ?? int.MaxValue;
            Optional[t] = task.Optional;
            Priority[t] = task.Priority;
            Predecessors[t] = task.DependsOn.Where(taskIndex.ContainsKey).Select(d => taskIndex[d]).Distinct().ToArray();
            foreach (var p in Predecessors[t])
            {
                successors[p].Add(t);
            }

            var demands = task.Resources.Where(kv => resourceIndex.ContainsKey(kv.Key) && kv.Value > 0).ToArray();
            DemandResource[t] = demands.Select(kv => resourceIndex[kv.Key]).ToArray();
            DemandAmount[t] = demands.Select(kv => kv.Value).ToArray();

            // Duration, cost and preference are indexed by agent, or hold one entry when the problem has no agents.
            var slots = Math.Max(1, AgentCount);
            Duration[t] = new int[slots];
            Cost[t] = new double[slots];
            Preference[t] = new double[slots];
            var options = new List<int>();
            if (AgentCount == 0)
            {
                Duration[t][0] = task.Duration;
                options.Add(NoAgent);
            }
            else
            {
                for (var a = 0; a < AgentCount; a++)
                {
                    var agent = problem.Agents[a];
                    Duration[t][a] = task.DurationOn(agent.Id);
                    Cost[t][a] = task.CostOn(agent);
                    Preference[t][a] = task.PreferenceFor(agent.Id);
                    if (agent.HasSkillsFor(task))
                    {
                        options.Add(a);
                    }
                }
            }

            Options[t] = options.ToArray();
            if (baseline.TryGetValue(task.Id, out var held))
            {
                BaselineAgent[t] = held.Agent is null ? (AgentCount == 0 ? NoAgent : BaselineAgentGone) : agentIndex.GetValueOrDefault(held.Agent, BaselineAgentGone);
                BaselineStart[t] = held.Start;
                if (held.Pinned && (BaselineAgent[t] >= 0 || (BaselineAgent[t] == NoAgent && AgentCount == 0)))
                {
                    PinnedStart[t] = held.Start;
                    Options[t] = [BaselineAgent[t]];
                }
            }
        }

        HasBaseline = baseline.Count > 0;

        for (var t = 0; t < TaskCount; t++)
        {
            Successors[t] = successors[t].ToArray();
        }

        MinDurations = new int[TaskCount];
        for (var t = 0; t < TaskCount; t++)
        {
            MinDurations[t] = ComputeMinDuration(t);
        }

        TopologicalOrder = Topological();
        MustRun = ComputeMustRun();
        Tail = ComputeTail();
        LatestFinish = ComputeLatestFinish();
        Weights = problem.Objective;
        WeightVector = new double[ObjectiveCatalogue.Count];
        foreach (var term in ObjectiveCatalogue.Terms)
        {
            WeightVector[(int)term.Term] = problem.Objective[term.Term];
        }

        HardDeadlines = problem.HardDeadlines;
    }

    public PlanningProblem Problem { get; }

    public int TaskCount { get; }

    public int AgentCount { get; }

    public int ResourceCount { get; }

    public int Horizon { get; }

    public bool HardDeadlines { get; }

    public ObjectiveWeights Weights { get; }

    /// <summary>The weights indexed by <see cref="ObjectiveTerm"/>, for the incremental evaluator.</summary>
    public double[] WeightVector { get; }

    public bool HasBaseline { get; }

    /// <summary>Each task's baseline agent (<see cref="NotInBaseline"/>, <see cref="BaselineAgentGone"/>, −1 without agents).</summary>
    public int[] BaselineAgent { get; }

    public int[] BaselineStart { get; }

    /// <summary>The fixed start of a pinned task, else <see cref="NotPinned"/>.</summary>
    public int[] PinnedStart { get; }

    public bool IsPinned(int task) => PinnedStart[task] != NotPinned;

    /// <summary>True when <paramref name="task"/> on <paramref name="agent"/> from <paramref name="start"/> counts no change.</summary>
    public bool KeepsBaseline(int task, int agent, int start) =>
        BaselineAgent[task] == NotInBaseline || (BaselineAgent[task] == agent && BaselineStart[task] == start);

    public int[] AgentCapacity { get; }

    public int[] MaxWorkload { get; }

    public int[][] WindowStart { get; }

    public int[][] WindowEnd { get; }

    public int[] ResourceCapacity { get; }

    public int[] EarliestStart { get; }

    /// <summary>int.MaxValue when the task has none.</summary>
    public int[] Deadline { get; }

    public bool[] Optional { get; }

    /// <summary>Required, or optional with a required task depending on it (so it may not be dropped).</summary>
    public bool[] MustRun { get; }

    public double[] Priority { get; }

    public int[][] Predecessors { get; }

    public int[][] Successors { get; }

    public int[][] DemandResource { get; }

    public int[][] DemandAmount { get; }

    /// <summary>Agents able to perform each task (skills held); {−1} when the problem has no agents.</summary>
    public int[][] Options { get; }

    public int[][] Duration { get; }

    public double[][] Cost { get; }

    public double[][] Preference { get; }

    public int[] TopologicalOrder { get; }

    /// <summary>Shortest duration of each task over its capable agents.</summary>
    public int[] MinDurations { get; }

    /// <summary>Longest chain of minimum durations from the task's start to the end of its last successor.</summary>
    public int[] Tail { get; }

    /// <summary>Latest finish that keeps the task's and its successors' deadlines (int.MaxValue when none apply).</summary>
    public long[] LatestFinish { get; }

    public int DurationOf(int task, int agent) => Duration[task][agent < 0 ? 0 : agent];

    public int MinDuration(int task) => MinDurations[task];

    private int ComputeMinDuration(int task)
    {
        var min = int.MaxValue;
        foreach (var a in Options[task])
        {
            min = Math.Min(min, DurationOf(task, a));
        }

        return min == int.MaxValue ? Duration[task][0] : min;
    }

    public Assignment ToAssignment(int task, int agent, int start) =>
        new(Problem.Tasks[task].Id, agent < 0 ? null : Problem.Agents[agent].Id, start, start + DurationOf(task, agent));

    private int[] Topological()
    {
        var indegree = new int[TaskCount];
        for (var t = 0; t < TaskCount; t++)
        {
            indegree[t] = Predecessors[t].Length;
        }

        var order = new List<int>(TaskCount);
        var queue = new Queue<int>();
        for (var t = 0; t < TaskCount; t++)
        {
            if (indegree[t] == 0)
            {
                queue.Enqueue(t);
            }
        }

        while (queue.Count > 0)
        {
            var t = queue.Dequeue();
            order.Add(t);
            foreach (var s in Successors[t])
            {
                if (--indegree[s] == 0)
                {
                    queue.Enqueue(s);
                }
            }
        }

        if (order.Count != TaskCount)
        {
            throw new InvalidOperationException("The dependency graph has a cycle. Maybe run ProblemValidator.Validate first; it lists the cycle.");
        }

        return order.ToArray();
    }

    private bool[] ComputeMustRun()
    {
        var must = new bool[TaskCount];
        for (var i = TaskCount - 1; i >= 0; i--)
        {
            var t = TopologicalOrder[i];
            must[t] = !Optional[t] || IsPinned(t);
            foreach (var s in Successors[t])
            {
                must[t] |= must[s];
            }
        }

        return must;
    }

    private int[] ComputeTail()
    {
        var tail = new int[TaskCount];
        for (var i = TaskCount - 1; i >= 0; i--)
        {
            var t = TopologicalOrder[i];
            var after = 0;
            foreach (var s in Successors[t])
            {
                after = Math.Max(after, tail[s]);
            }

            tail[t] = MinDuration(t) + after;
        }

        return tail;
    }

    private long[] ComputeLatestFinish()
    {
        var lf = new long[TaskCount];
        for (var i = TaskCount - 1; i >= 0; i--)
        {
            var t = TopologicalOrder[i];
            long latest = Math.Min(Deadline[t], Horizon);
            foreach (var s in Successors[t])
            {
                if (lf[s] < int.MaxValue)
                {
                    latest = Math.Min(latest, lf[s] - MinDuration(s));
                }
            }

            lf[t] = latest;
        }

        return lf;
    }
}
