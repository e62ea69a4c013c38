namespace QuantumPlanner.Core.Planning;

/// <summary>
/// A planning problem in which time cannot matter, seen as a generalised assignment problem: each task goes to one
/// allowed agent (or, if optional, is dropped at the unassigned penalty), each agent's summed durations stay within
/// its maxWorkload, and the objective is a sum of per-(task, agent) terms (cost and preferences). That holds when
/// there are no dependencies, resource demands, availability windows, priority or soft-deadline terms, no makespan
/// or load-balance weight, and every agent can hold at once every task it could take: then each task simply runs at
/// its earliest start. GAP instances import to exactly this shape, and so do ticket-to-team or job-to-site problems;
/// the local search and the CP-SAT neighbourhood search then work on this view instead of on schedules.
/// The costs are the catalogue's <see cref="PairCoefficients"/>; a baseline fits when every pin is at its task's
/// earliest start and every droppable task has the same drop cost.
/// </summary>
public sealed class PureAssignment
{
    public const int Dropped = -1;

    private readonly PlanningProblem problem;
    private readonly bool[] allowed;

    private readonly PairCoefficients coefficients;

    private PureAssignment(PlanningProblem problem, PairCoefficients coefficients, int[][] options, bool[] droppable, double[] cost, int[] load, long[] capacity, double dropCost)
    {
        this.problem = problem;
        this.coefficients = coefficients;
        Options = options;
        Droppable = droppable;
        PairCost = cost;
        PairLoad = load;
        Capacity = capacity;
        DropCost = dropCost;
        allowed = new bool[TaskCount * AgentCount];
        for (int t = 0; t < TaskCount; t++)
        {
            foreach (int a in options[t])
            {
                allowed[(t * AgentCount) + a] = true;
            }
        }
    }

    /// <summary>The problem this view was made from.</summary>
    public PlanningProblem Problem => problem;

    public int TaskCount => problem.Tasks.Count;

    public int AgentCount => problem.Agents.Count;

    /// <summary>Agents each task may go to (skills, horizon and hard deadline allow it).</summary>
    public IReadOnlyList<int[]> Options { get; }

    public IReadOnlyList<bool> Droppable { get; }

    /// <summary>Objective of leaving an optional task out.</summary>
    public double DropCost { get; }

    /// <summary>Objective contribution of task t on agent a, at [t * AgentCount + a].</summary>
    public IReadOnlyList<double> PairCost { get; }

    /// <summary>Workload task t adds to agent a, at [t * AgentCount + a].</summary>
    public IReadOnlyList<int> PairLoad { get; }

    /// <summary>Each agent's maxWorkload (a very large number when it has none).</summary>
    public IReadOnlyList<long> Capacity { get; }

    public bool Allows(int task, int agent) => agent == Dropped ? Droppable[task] : allowed[(task * AgentCount) + agent];

    /// <summary>The assignment view of <paramref name="problem"/>, or null when timing can matter in it.</summary>
    public static PureAssignment? TryCreate(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var w = problem.Objective;
        var tasks = problem.Tasks;
        var agents = problem.Agents;
        int n = tasks.Count, m = agents.Count;
        if (m == 0 || n == 0 || w.Makespan != 0 || w.LoadBalance != 0)
        {
            return null;
        }

        var taskIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            taskIds.Add(task.Id);
        }

        var takers = new int[m];
        var skilled = new List<int>[n];
        for (int t = 0; t < n; t++)
        {
            var task = tasks[t];
            bool softDeadline = !problem.HardDeadlines && task.Deadline is not null && w.Tardiness != 0;
            bool dependent = false;
            foreach (var d in task.DependsOn)
            {
                dependent |= taskIds.Contains(d);
            }

            bool demands = false;
            foreach (var amount in task.Resources.Values)
            {
                demands |= amount > 0;
            }

            if (dependent || demands || (w.Priority != 0 && task.Priority != 0) || softDeadline)
            {
                return null;
            }

            skilled[t] = [];
            for (int a = 0; a < m; a++)
            {
                if (agents[a].HasSkillsFor(task))
                {
                    skilled[t].Add(a);
                    takers[a]++;
                }
            }
        }

        for (int a = 0; a < m; a++)
        {
            if (takers[a] > 0 && (agents[a].Availability.Count > 0 || Math.Max(1, agents[a].Capacity) < takers[a]))
            {
                return null;
            }
        }

        var options = new int[n][];
        var droppable = new bool[n];
        var cost = new double[n * m];
        var load = new int[n * m];
        long horizon = problem.Horizon ?? long.MaxValue;
        var coefficients = PairCoefficients.For(problem);
        var baseline = problem.BaselineByTask();
        double? dropCost = null;
        for (int t = 0; t < n; t++)
        {
            var task = tasks[t];
            var pin = baseline.GetValueOrDefault(task.Id) is { Pinned: true } held ? held : null;
            if (pin is not null && pin.Start != task.EarliestStart)
            {
                return null; // a pin later than the earliest start: timing matters
            }

            var allowedAgents = new List<int>(skilled[t].Count);
            foreach (int a in skilled[t])
            {
                if (pin is not null && !string.Equals(agents[a].Id, pin.Agent, StringComparison.Ordinal))
                {
                    continue;
                }

                var agent = agents[a];
                int duration = task.DurationOn(agent.Id);
                long end = (long)task.EarliestStart + duration;
                if (end > horizon || (problem.HardDeadlines && task.Deadline is { } deadline && end > deadline))
                {
                    continue;
                }

                allowedAgents.Add(a);
                cost[(t * m) + a] = coefficients.Pair(t, a);
                load[(t * m) + a] = duration;
            }

            options[t] = allowedAgents.ToArray();
            droppable[t] = task.Optional && pin is null;
            if (droppable[t])
            {
                if (dropCost is { } same && same != coefficients.Drop(t))
                {
                    return null; // one drop cost per problem is what the assignment searches price
                }

                dropCost = coefficients.Drop(t);
            }

            if (options[t].Length == 0 && !droppable[t])
            {
                return null; // infeasible: left to the general backends, which report the violation
            }
        }

        var capacity = new long[m];
        for (int a = 0; a < m; a++)
        {
            capacity[a] = agents[a].MaxWorkload ?? long.MaxValue / 4;
        }

        return new PureAssignment(problem, coefficients, options, droppable, cost, load, capacity, dropCost ?? w.Unassigned);
    }

    /// <summary>Each task's agent index in <paramref name="plan"/> (<see cref="Dropped"/> where it is absent).</summary>
    public int[] FromAssignments(IReadOnlyList<Assignment> plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var agentIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int a = 0; a < AgentCount; a++)
        {
            agentIndex[problem.Agents[a].Id] = a;
        }

        var placed = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var assignment in plan)
        {
            placed[assignment.Task] = assignment.Agent is { } id && agentIndex.TryGetValue(id, out var index) ? index : Dropped;
        }

        var agentOf = new int[TaskCount];
        for (int t = 0; t < TaskCount; t++)
        {
            agentOf[t] = placed.TryGetValue(problem.Tasks[t].Id, out var a) ? a : Dropped;
        }

        return agentOf;
    }

    /// <summary>The plan for <paramref name="agentOf"/>: every placed task at its earliest start.</summary>
    public List<Assignment> ToAssignments(IReadOnlyList<int> agentOf)
    {
        ArgumentNullException.ThrowIfNull(agentOf);
        var plan = new List<Assignment>(TaskCount);
        for (int t = 0; t < TaskCount; t++)
        {
            if (agentOf[t] != Dropped)
            {
                var task = problem.Tasks[t];
                var agent = problem.Agents[agentOf[t]];
                plan.Add(new Assignment(task.Id, agent.Id, task.EarliestStart, task.EarliestStart + task.DurationOn(agent.Id)));
            }
        }

        return plan;
    }

    /// <summary>
    /// The unweighted value of each separable term for <paramref name="agentOf"/>, summed from the same pair
    /// coefficients the searches price moves with (their weighted sum is <see cref="Evaluate"/>'s cost).
    /// </summary>
    public TermValues Terms(IReadOnlyList<int> agentOf)
    {
        ArgumentNullException.ThrowIfNull(agentOf);
        var total = default(TermValues);
        for (int t = 0; t < TaskCount; t++)
        {
            var values = agentOf[t] == Dropped ? coefficients.DropTerms(t) : coefficients.PairTerms(t, agentOf[t]);
            for (var k = 0; k < ObjectiveCatalogue.Count; k++)
            {
                total[k] += values[k];
            }
        }

        return total;
    }

    /// <summary>Objective of <paramref name="agentOf"/> and its total workload above maxWorkload (0 when it fits).</summary>
    public (double Cost, long Overload) Evaluate(IReadOnlyList<int> agentOf)
    {
        ArgumentNullException.ThrowIfNull(agentOf);
        var load = new long[AgentCount];
        double cost = 0;
        long overload = 0;
        for (int t = 0; t < TaskCount; t++)
        {
            int a = agentOf[t];
            if (a == Dropped)
            {
                cost += DropCost;
                overload += Droppable[t] ? 0 : 1;
                continue;
            }

            cost += PairCost[(t * AgentCount) + a];
            load[a] += PairLoad[(t * AgentCount) + a];
        }

        for (int a = 0; a < AgentCount; a++)
        {
            overload += Math.Max(0, load[a] - Capacity[a]);
        }

        return (cost, overload);
    }
}
