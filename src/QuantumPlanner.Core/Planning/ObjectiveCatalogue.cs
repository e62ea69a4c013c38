using System.Runtime.CompilerServices;

namespace QuantumPlanner.Core.Planning;

/// <summary>The objective terms, in catalogue order (the order of the score breakdown and of <see cref="TermValues"/>).</summary>
public enum ObjectiveTerm
{
    Makespan,
    Cost,
    Tardiness,
    LoadBalance,
    Priority,
    Preferences,
    Unassigned,
    Changes,
}

/// <summary>
/// One objective term: its JSON name, what it measures, and whether it is separable: Σ over tasks of a quantity fixed by
/// the task's agent (or its drop) alone, so it has per-pair coefficients (<see cref="PairCoefficients"/>); not
/// separable when it depends on timing or on several tasks at once.
/// </summary>
public sealed record ObjectiveTermInfo(ObjectiveTerm Term, string Name, string Measures, bool Separable);

/// <summary>One hard constraint as the scorer reports it (<see cref="Violation.Constraint"/>); <see cref="Malformed"/>
/// marks checks that only a malformed plan (wrong ids, wrong lengths) fails, never a plan a backend built.</summary>
public sealed record HardConstraintInfo(string Name, string Rule, bool Malformed = false);

/// <summary>
/// The objective and the hard constraints, defined once. The reader, the validator, the scorer, the explain output and
/// the docs take names and order from here; backends take the per-(task, agent) quantities from
/// <see cref="PlanningProblemExtensions"/> and the per-pair objective coefficients from <see cref="AgentCoefficient"/>
/// and <see cref="PairCoefficients"/>, so no backend restates the rules. <see cref="PlanScorer"/> remains the judge.
/// </summary>
public static class ObjectiveCatalogue
{
    public const string Makespan = "makespan";
    public const string Cost = "cost";
    public const string Tardiness = "tardiness";
    public const string LoadBalance = "loadBalance";
    public const string Priority = "priority";
    public const string Preferences = "preferences";
    public const string Unassigned = "unassigned";
    public const string Changes = "changes";

    /// <summary>Number of terms (the length of <see cref="TermValues"/>).</summary>
    public const int Count = 8;

    public static readonly IReadOnlyList<ObjectiveTermInfo> Terms =
    [
        new(ObjectiveTerm.Makespan, Makespan, "latest end of any task", false),
        new(ObjectiveTerm.Cost, Cost, "Σ cost of each task on its agent: costByAgent, else duration × costPerUnit", true),
        new(ObjectiveTerm.Tardiness, Tardiness, "Σ max(0, end − deadline)", false),
        new(ObjectiveTerm.LoadBalance, LoadBalance, "max − min workload over agents (workload = Σ durations of its tasks)", false),
        new(ObjectiveTerm.Priority, Priority, "Σ priority × end (priority-weighted completion)", false),
        new(ObjectiveTerm.Preferences, Preferences, "−Σ preferredAgents weight of each task's agent", true),
        new(ObjectiveTerm.Unassigned, Unassigned, "number of dropped optional tasks", true),
        new(ObjectiveTerm.Changes, Changes, "baseline tasks whose agent or start differs from the baseline (or that are dropped)", false),
    ];

    /// <summary>The names in catalogue order (the keys of the problem's "objective" object).</summary>
    public static readonly IReadOnlyList<string> Names = Terms.Select(t => t.Name).ToArray();

    public static string NameOf(ObjectiveTerm term) => Terms[(int)term].Name;

    public static ObjectiveTerm? Find(string name)
    {
        foreach (var t in Terms)
        {
            if (string.Equals(t.Name, name, StringComparison.Ordinal))
            {
                return t.Term;
            }
        }

        return null;
    }

    /// <summary>Objective contribution that depends only on the agent a task runs on: weighted cost minus weighted preference.</summary>
    public static double AgentCoefficient(ObjectiveWeights weights, PlanningTask task, Agent agent)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(agent);
        return (weights.Cost * task.CostOn(agent)) - (weights.Preferences * task.PreferenceFor(agent.Id));
    }

    /// <summary>
    /// True when running the task of <paramref name="baseline"/> on <paramref name="agentId"/> from <paramref name="start"/> keeps its
    /// baseline (no change counted); always true for a task the baseline does not hold.
    /// </summary>
    public static bool KeepsBaseline(this BaselineAssignment? baseline, string? agentId, int start) =>
        baseline is null || (string.Equals(baseline.Agent, agentId, StringComparison.Ordinal) && baseline.Start == start);
}

/// <summary>
/// The objective as per-pair coefficients, for the view in which every task runs at its earliest start (pure
/// assignment, the QUBO compiler): objective = Σ Pair(t, a) over chosen pairs + Σ Drop(t) over dropped tasks, exactly,
/// whenever makespan and load balance are weighted 0 or constant and every task can indeed start at its earliest start.
/// In that view <c>changes</c> is separable (a baseline task keeps its baseline only on its baseline agent and only if
/// the baseline start is its earliest start), and so are <c>priority</c> and <c>tardiness</c>: the task ends at its
/// earliest start plus its duration on the agent. Where tasks wait (dependencies, windows, shared agents) those two
/// are lower bounds of what the schedule pays.
/// </summary>
public sealed class PairCoefficients
{
    private readonly double[] pair;
    private readonly double[] drop;

    private PairCoefficients(int agents, double[] pair, double[] drop)
    {
        AgentCount = agents;
        this.pair = pair;
        this.drop = drop;
    }

    public int AgentCount { get; }

    public int TaskCount => drop.Length;

    /// <summary>Objective of running task <paramref name="task"/> on agent <paramref name="agent"/> (indices into the problem's lists).</summary>
    public double Pair(int task, int agent) => pair[(task * AgentCount) + agent];

    /// <summary>Objective of leaving task <paramref name="task"/> out (the unassigned weight, plus a change for a baseline task).</summary>
    public double Drop(int task) => drop[task];

    public static PairCoefficients For(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var w = problem.Objective;
        int n = problem.Tasks.Count, m = problem.Agents.Count;
        var baseline = problem.BaselineByTask();
        var pair = new double[n * m];
        var drop = new double[n];
        for (var t = 0; t < n; t++)
        {
            var task = problem.Tasks[t];
            var held = baseline.GetValueOrDefault(task.Id);
            drop[t] = w.Unassigned + (held is null ? 0 : w.Changes);
            for (var a = 0; a < m; a++)
            {
                var agent = problem.Agents[a];
                var changed = !held.KeepsBaseline(agent.Id, task.EarliestStart);
                var end = (long)task.EarliestStart + task.DurationOn(agent.Id);
                var late = task.Deadline is { } deadline ? Math.Max(0, end - deadline) : 0;
                pair[(t * m) + a] = ObjectiveCatalogue.AgentCoefficient(w, task, agent) + (changed ? w.Changes : 0)
                    + (w.Priority * task.Priority * end) + (w.Tardiness * late);
            }
        }

        return new PairCoefficients(m, pair, drop);
    }
}

/// <summary>One value per objective term, indexed by <see cref="ObjectiveTerm"/>; a fixed-size struct so incremental
/// evaluators can snapshot it without allocating.</summary>
[InlineArray(ObjectiveCatalogue.Count)]
public struct TermValues
{
    private double element;

    /// <summary>Σ weight × value over the catalogue.</summary>
    public readonly double Weighted(ObjectiveWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var total = 0.0;
        for (var i = 0; i < ObjectiveCatalogue.Count; i++)
        {
            var w = weights[(ObjectiveTerm)i];
            if (w != 0)
            {
                total += w * this[i];
            }
        }

        return total;
    }
}

/// <summary>The hard constraints the scorer checks, by name (<see cref="Violation.Constraint"/>).</summary>
public static class HardConstraints
{
    public const string UnknownTask = "unknown-task";
    public const string DuplicateAssignment = "duplicate-assignment";
    public const string NoAgent = "no-agent";
    public const string UnknownAgent = "unknown-agent";
    public const string Duration = "duration";
    public const string Skill = "skill";
    public const string Availability = "availability";
    public const string EarliestStart = "earliest-start";
    public const string Precedence = "precedence";
    public const string Deadline = "deadline";
    public const string Horizon = "horizon";
    public const string MaxWorkload = "max-workload";
    public const string AgentCapacity = "agent-capacity";
    public const string ResourceCapacity = "resource-capacity";
    public const string MissingTask = "missing-task";
    public const string Pinned = "pinned";

    public static readonly IReadOnlyList<HardConstraintInfo> All =
    [
        new(Skill, "the agent holds every required skill of the task"),
        new(Availability, "the task lies inside one availability window of its agent"),
        new(AgentCapacity, "an agent runs at most capacity tasks at once (milestones take no capacity)"),
        new(ResourceCapacity, "running tasks use at most each resource's capacity (milestones take none)"),
        new(Precedence, "a task starts at or after the end of every dependency, which must be scheduled"),
        new(EarliestStart, "a task starts at or after its earliestStart"),
        new(Deadline, "a task ends by its deadline (when hardDeadlines)"),
        new(MaxWorkload, "an agent's total assigned duration stays within maxWorkload"),
        new(MissingTask, "every required task is scheduled"),
        new(Pinned, "a pinned baseline task keeps its baseline agent and start"),
        new(Horizon, "every task ends by the horizon"),
        new(Duration, "end − start equals the task's duration on its agent", Malformed: true),
        new(NoAgent, "with agents in the problem, every task has one", Malformed: true),
        new(UnknownAgent, "the agent is one of the problem's", Malformed: true),
        new(UnknownTask, "the task is one of the problem's", Malformed: true),
        new(DuplicateAssignment, "a task is assigned at most once", Malformed: true),
    ];
}
