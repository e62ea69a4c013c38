namespace QuantumPlanner.Core.Planning;

/// <summary>
/// The objective of a planning problem as a function of the assignment alone (which agent runs each task, which
/// optional tasks are dropped): what the QUBO compiler encodes. Exact for a pure assignment (<see cref="Of"/>). For any
/// other problem with agents (<see cref="Create"/>) it is a surrogate in the earliest-start view of
/// <see cref="PairCoefficients"/>:
/// <list type="bullet">
/// <item>linear per pair: cost, preferences, changes, and priority and tardiness as if the task ended at its earliest
/// start plus its duration on the agent (lower bounds of what a schedule pays); linear per drop: unassigned (and a
/// change for a baseline task);</item>
/// <item>load balance, quadratic in each agent's workload W_a = Σ duration of its tasks: λ_B Σ_a (W_a − Ŵ)² with Ŵ the
/// level workload (Σ mean duration / agents) and λ_B = weight / d̄ (d̄ the mean task duration), so one task's worth of
/// imbalance between two agents costs what the real term charges for it, 2 · weight · d̄;</item>
/// <item>priority, quadratic per agent as well: two tasks t, u on one agent a wait for each other in one order or the
/// other, so the pair adds w_P (p_t d_ua + p_u d_ta) / (2 c_a), the priority-weighted wait of either order taken
/// evenly and shared over the agent's capacity (start times are not looked at, so tasks far apart in time are
/// charged too);</item>
/// <item>makespan, quadratic per agent: λ_M Σ_a (W_a / c_a)² with c_a the agent's capacity (tasks at once) and
/// λ_M = weight / (agents · Ŷ), Ŷ the level span Σ mean duration / Σ c_a: at level loads it equals the level makespan
/// times the weight, and it grows fastest on the most loaded agent.</item>
/// </list>
/// Dependencies, availability windows, shared resources, agent capacity in time and the real makespan are not in it:
/// the anneal backend has the schedule builder place the decoded assignment and the local search polish the schedule,
/// judged by the real objective. Options drop only what the earliest-start view proves impossible (skills, a pin,
/// no window long enough, ending past the horizon or a hard deadline even from the earliest start).
/// </summary>
public sealed class AssignmentSurrogate
{
    private readonly bool[] allowed;
    private readonly double[] waitWeights;

    private AssignmentSurrogate(
        PlanningProblem problem,
        int[][] options,
        bool[] droppable,
        double[] pairCost,
        int[] pairLoad,
        double[] dropCost,
        long[] capacity,
        double balanceWeight,
        double balanceTarget,
        double[] spanWeight,
        double[] waitWeight,
        bool exact)
    {
        Problem = problem;
        Options = options;
        Droppable = droppable;
        PairCost = pairCost;
        PairLoad = pairLoad;
        DropCost = dropCost;
        Capacity = capacity;
        BalanceWeight = balanceWeight;
        BalanceTarget = balanceTarget;
        SpanWeight = spanWeight;
        waitWeights = waitWeight;
        IsExact = exact;
        allowed = new bool[TaskCount * AgentCount];
        for (var t = 0; t < TaskCount; t++)
        {
            foreach (var a in options[t])
            {
                allowed[(t * AgentCount) + a] = true;
            }
        }
    }

    public PlanningProblem Problem { get; }

    public int TaskCount => Problem.Tasks.Count;

    public int AgentCount => Problem.Agents.Count;

    /// <summary>Agents each task may go to.</summary>
    public IReadOnlyList<int[]> Options { get; }

    public IReadOnlyList<bool> Droppable { get; }

    /// <summary>Linear objective of task t on agent a, at [t * AgentCount + a].</summary>
    public IReadOnlyList<double> PairCost { get; }

    /// <summary>Workload task t adds to agent a (its duration there), at [t * AgentCount + a].</summary>
    public IReadOnlyList<int> PairLoad { get; }

    /// <summary>Objective of leaving each optional task out.</summary>
    public IReadOnlyList<double> DropCost { get; }

    /// <summary>Each agent's maxWorkload (a very large number when it has none).</summary>
    public IReadOnlyList<long> Capacity { get; }

    /// <summary>λ_B of the load-balance term λ_B Σ_a (W_a − <see cref="BalanceTarget"/>)²; 0 when load balance is not weighted.</summary>
    public double BalanceWeight { get; }

    /// <summary>Ŵ, the level workload the load-balance term pulls every agent towards.</summary>
    public double BalanceTarget { get; }

    /// <summary>Per agent, the coefficient of W_a² of the makespan term (λ_M / c_a²); all 0 when makespan is not weighted.</summary>
    public IReadOnlyList<double> SpanWeight { get; }

    /// <summary>
    /// Objective of tasks <paramref name="t"/> and <paramref name="u"/> both on <paramref name="agent"/>: the priority-weighted
    /// wait of one for the other (see the class summary); 0 when priority is not weighted.
    /// </summary>
    public double PairWait(int t, int u, int agent) =>
        waitWeights[agent] == 0 ? 0 : waitWeights[agent] * ((Priority(t) * Load(u, agent)) + (Priority(u) * Load(t, agent)));

    /// <summary>True when the value is the problem's objective itself (a pure assignment), not a surrogate.</summary>
    public bool IsExact { get; }

    /// <summary>True when some agent's workload enters the objective quadratically.</summary>
    public bool HasWorkloadTerms => BalanceWeight != 0 || SpanWeight.Any(w => w != 0) || waitWeights.Any(w => w != 0);

    private double Priority(int task) => Problem.Tasks[task].Priority;

    public bool Allows(int task, int agent) => agent == PureAssignment.Dropped ? Droppable[task] : allowed[(task * AgentCount) + agent];

    /// <summary>Linear objective of task <paramref name="task"/> on <paramref name="agent"/> (or its drop).</summary>
    public double Cost(int task, int agent) => agent == PureAssignment.Dropped ? DropCost[task] : PairCost[(task * AgentCount) + agent];

    /// <summary>Workload of <paramref name="task"/> on <paramref name="agent"/> (0 for a drop).</summary>
    public long Load(int task, int agent) => agent == PureAssignment.Dropped ? 0 : PairLoad[(task * AgentCount) + agent];

    /// <summary>The workload terms of one agent carrying <paramref name="workload"/>.</summary>
    public double WorkloadCost(int agent, long workload)
    {
        var off = workload - BalanceTarget;
        return (BalanceWeight * off * off) + (SpanWeight[agent] * workload * (double)workload);
    }

    /// <summary>The exact view of a pure assignment: its costs, one drop cost, no workload terms.</summary>
    public static AssignmentSurrogate Of(PureAssignment view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var n = view.TaskCount;
        var m = view.AgentCount;
        return new AssignmentSurrogate(
            view.Problem,
            [.. view.Options],
            [.. view.Droppable],
            [.. view.PairCost],
            [.. view.PairLoad],
            Enumerable.Repeat(view.DropCost, n).ToArray(),
            [.. view.Capacity],
            0,
            0,
            new double[m],
            new double[m],
            exact: true);
    }

    /// <summary>The surrogate of any problem with agents (see the class summary); null when the problem has none.</summary>
    public static AssignmentSurrogate? Create(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Agents.Count == 0 || problem.Tasks.Count == 0)
        {
            return null;
        }

        if (PureAssignment.TryCreate(problem) is { } pure)
        {
            return Of(pure);
        }

        var w = problem.Objective;
        var tasks = problem.Tasks;
        var agents = problem.Agents;
        int n = tasks.Count, m = agents.Count;
        var coefficients = PairCoefficients.For(problem);
        var baseline = problem.BaselineByTask();
        var agentIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var a = 0; a < m; a++)
        {
            agentIndex.TryAdd(agents[a].Id, a);
        }

        long horizon = problem.Horizon ?? long.MaxValue;
        var options = new int[n][];
        var droppable = new bool[n];
        var pairCost = new double[n * m];
        var pairLoad = new int[n * m];
        var dropCost = new double[n];
        double work = 0;
        for (var t = 0; t < n; t++)
        {
            var task = tasks[t];
            var pinned = baseline.GetValueOrDefault(task.Id) is { Pinned: true, Agent: { } pinAgent } && agentIndex.TryGetValue(pinAgent, out var pin) ? pin : -1;
            var capable = new List<int>();
            var possible = new List<int>();
            for (var a = 0; a < m; a++)
            {
                var agent = agents[a];
                var duration = task.DurationOn(agent.Id);
                pairCost[(t * m) + a] = coefficients.Pair(t, a);
                pairLoad[(t * m) + a] = duration;
                if (pinned >= 0 ? a != pinned : !agent.HasSkillsFor(task))
                {
                    continue;
                }

                capable.Add(a);
                long end = (long)task.EarliestStart + duration;
                if (agent.HasWindowFor(duration, task.EarliestStart) && end <= horizon && !(problem.HardDeadlines && task.Deadline is { } deadline && end > deadline))
                {
                    possible.Add(a);
                }
            }

            // With no agent possible even from the earliest start, the capable ones stay: the schedule then reports
            // what cannot hold, as every other backend does.
            options[t] = possible.Count > 0 ? [.. possible] : [.. capable];
            droppable[t] = task.Optional && pinned < 0;
            dropCost[t] = coefficients.Drop(t);
            work += options[t].Length == 0 ? 0 : options[t].Average(a => (double)pairLoad[(t * m) + a]);
        }

        var level = work / m;
        var meanDuration = Math.Max(1, work / n);
        var span = Math.Max(1, work / agents.Sum(a => Math.Max(1, a.Capacity)));
        var spanWeight = new double[m];
        var waitWeight = new double[m];
        for (var a = 0; a < m; a++)
        {
            double c = Math.Max(1, agents[a].Capacity);
            spanWeight[a] = w.Makespan / (m * span * c * c);
            waitWeight[a] = w.Priority / (2 * c);
        }

        var capacity = agents.Select(a => a.MaxWorkload is { } cap ? (long)cap : long.MaxValue / 4).ToArray();
        return new AssignmentSurrogate(problem, options, droppable, pairCost, pairLoad, dropCost, capacity, w.LoadBalance / meanDuration, level, spanWeight, waitWeight, exact: false);
    }

    /// <summary>
    /// The surrogate objective of <paramref name="agentOf"/> (each task's agent, <see cref="PureAssignment.Dropped"/> for
    /// a drop) and what it breaks: workload above maxWorkload plus one per required task left without an agent.
    /// </summary>
    public (double Cost, long Overload) Evaluate(IReadOnlyList<int> agentOf)
    {
        ArgumentNullException.ThrowIfNull(agentOf);
        var load = new long[AgentCount];
        double cost = 0;
        long overload = 0;
        for (var t = 0; t < TaskCount; t++)
        {
            var a = agentOf[t];
            cost += Cost(t, a);
            for (var u = t + 1; u < TaskCount; u++)
            {
                cost += a != PureAssignment.Dropped && agentOf[u] == a ? PairWait(t, u, a) : 0;
            }

            if (a == PureAssignment.Dropped)
            {
                overload += Droppable[t] ? 0 : 1;
                continue;
            }

            load[a] += Load(t, a);
        }

        for (var a = 0; a < AgentCount; a++)
        {
            overload += Math.Max(0, load[a] - Capacity[a]);
            cost += WorkloadCost(a, load[a]);
        }

        return (cost, overload);
    }
}
