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
/// <see cref="PlanningProblemExtensions"/> and the per-pair objective coefficients from <see cref="PairCoefficients"/>,
/// so no backend restates the rules. <see cref="PlanScorer"/> remains the judge.
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
/// are lower bounds of what the schedule pays. Each coefficient is the weighted sum of the unweighted term values
/// <see cref="PairTerms"/> / <see cref="DropTerms"/>, so check mode can tell which term of an assignment search
/// disagrees with the scorer.
/// </summary>
public sealed class PairCoefficients
{
    private readonly PlanningProblem problem;
    private readonly BaselineAssignment?[] held;
    private readonly Func<ObjectiveTerm, int, int, double>? planted;
    private readonly double[] pair;
    private readonly double[] drop;

    private PairCoefficients(PlanningProblem problem)
    {
        this.problem = problem;
        planted = PlantedError.Value;
        var w = problem.Objective;
        int n = problem.Tasks.Count, m = problem.Agents.Count;
        var baseline = problem.BaselineByTask();
        held = new BaselineAssignment?[n];
        pair = new double[n * m];
        drop = new double[n];
        for (var t = 0; t < n; t++)
        {
            held[t] = baseline.GetValueOrDefault(problem.Tasks[t].Id);
            drop[t] = DropTerms(t).Weighted(w);
            for (var a = 0; a < m; a++)
            {
                pair[(t * m) + a] = PairTerms(t, a).Weighted(w);
            }
        }
    }

    /// <summary>
    /// Test-only: an error added to each pair's value of a term, (term, task, agent) → error, as a wrong incremental
    /// delta of that term would be; async-local, so only the test that plants it sees it.
    /// </summary>
    internal static AsyncLocal<Func<ObjectiveTerm, int, int, double>?> PlantedError { get; } = new();

    public int AgentCount => problem.Agents.Count;

    public int TaskCount => drop.Length;

    /// <summary>Objective of running task <paramref name="task"/> on agent <paramref name="agent"/> (indices into the problem's lists).</summary>
    public double Pair(int task, int agent) => pair[(task * AgentCount) + agent];

    /// <summary>Objective of leaving task <paramref name="task"/> out (the unassigned weight, plus a change for a baseline task).</summary>
    public double Drop(int task) => drop[task];

    /// <summary>The unweighted separable terms of running task <paramref name="task"/> on agent <paramref name="agent"/>: cost, preferences, changes, priority, tardiness.</summary>
    public TermValues PairTerms(int task, int agent)
    {
        var t = problem.Tasks[task];
        var a = problem.Agents[agent];
        var values = default(TermValues);
        values[(int)ObjectiveTerm.Cost] = t.CostOn(a);
        values[(int)ObjectiveTerm.Preferences] = -t.PreferenceFor(a.Id);
        values[(int)ObjectiveTerm.Changes] = held[task].KeepsBaseline(a.Id, t.EarliestStart) ? 0 : 1;
        var end = (long)t.EarliestStart + t.DurationOn(a.Id);
        values[(int)ObjectiveTerm.Priority] = t.Priority * end;
        values[(int)ObjectiveTerm.Tardiness] = t.Deadline is { } deadline ? Math.Max(0, end - deadline) : 0;
        if (planted is not null)
        {
            foreach (var info in ObjectiveCatalogue.Terms)
            {
                values[(int)info.Term] += planted(info.Term, task, agent);
            }
        }

        return values;
    }

    /// <summary>The unweighted separable terms of leaving task <paramref name="task"/> out: one unassigned, a change for a baseline task.</summary>
    public TermValues DropTerms(int task)
    {
        var values = default(TermValues);
        values[(int)ObjectiveTerm.Unassigned] = 1;
        values[(int)ObjectiveTerm.Changes] = held[task] is null ? 0 : 1;
        return values;
    }

    public static PairCoefficients For(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new PairCoefficients(problem);
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
