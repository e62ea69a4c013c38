namespace QuantumPlanner.Core.Planning;

public sealed record Assignment(string Task, string? Agent, int Start, int End);

public sealed record BackendAttempt(string Backend, double? Objective, long Ms, string Status);

public sealed record ScoreTerm(string Term, double Weight, double Value);

public sealed record Violation(string Constraint, string? Task, string? Agent, double Amount, string Message);

public sealed record Score
{
    public int HardViolations => Violations.Count;

    public double Objective { get; init; }

    public IReadOnlyList<ScoreTerm> Breakdown { get; init; } = [];

    public IReadOnlyList<Violation> Violations { get; init; } = [];
}

public sealed record PlanMetrics
{
    public int Makespan { get; init; }

    public double Cost { get; init; }

    public double Tardiness { get; init; }

    public IReadOnlyDictionary<string, int> Workload { get; init; } = new Dictionary<string, int>();
}

public sealed record PlanTiming(long CompileMs, long SolveMs, long TotalMs);

/// <summary>
/// The plan's "qubo" section, set whenever the QUBO path (anneal) ran: the size of the last compiled model, the penalty
/// weights of its last round (oneHot, capacity) beside the provable bound, how many compile-sample-decode rounds ran,
/// the energy of the sample that gave the chosen plan (before repair and polish; null when none was feasible after
/// them), and where the time went.
/// </summary>
public sealed record QuboInfo(int Variables, int Interactions, IReadOnlyDictionary<string, double> Penalties)
{
    /// <summary>The sampler asked for (e.g. "tabu", "qpu:Advantage_system6.4").</summary>
    public string? Sampler { get; init; }

    public int Rounds { get; init; }

    /// <summary>Energy of the sample the chosen plan was decoded from, in the model of its round.</summary>
    public double? Energy { get; init; }

    /// <summary>How capacity slack was encoded ("binary" or "unary"); null when no agent needed slack.</summary>
    public string? Slack { get; init; }

    public long CompileMs { get; init; }

    public long SampleMs { get; init; }

    /// <summary>Decoding, repair and native polish of every sample.</summary>
    public long DecodeMs { get; init; }

    /// <summary>
    /// "exact" when the model's ground state is the plan's optimum (a pure assignment), "surrogate" when it encodes the
    /// assignment part of the objective and the schedule is built after decoding, "activity-list" when (without agents)
    /// it encodes the order the schedule generator places the tasks in (docs/quantum.md).
    /// </summary>
    public string? Model { get; init; }

    /// <summary>Placing decoded assignments in schedules and the local search that polishes the best (surrogate models).</summary>
    public long? ScheduleMs { get; init; }

    /// <summary>Set when a remote annealer was down and the local sampler answered instead.</summary>
    public QuboFallback? Fallback { get; init; }
}

/// <summary>
/// A remote annealer that could not answer (<see cref="Reason"/>: unreachable, timeout, quota, offline), the local
/// sampler that did, and how long the remote call took to fail (<see cref="DetectedMs"/>; the local sampler starts then).
/// </summary>
public sealed record QuboFallback(string From, string To, string Reason)
{
    public double DetectedMs { get; init; }
}

/// <summary>A solved plan (DESIGN.md §4). Status: optimal | feasible | infeasible | no-solution.</summary>
public sealed record Plan
{
    public string Status { get; init; } = "no-solution";

    public string Backend { get; init; } = string.Empty;

    public IReadOnlyList<BackendAttempt> BackendsTried { get; init; } = [];

    public IReadOnlyList<Assignment> Assignments { get; init; } = [];

    public IReadOnlyList<string> Unassigned { get; init; } = [];

    public Score Score { get; init; } = new();

    public PlanMetrics Metrics { get; init; } = new();

    public double? Bound { get; init; }

    public double? Gap { get; init; }

    public PlanTiming Timing { get; init; } = new(0, 0, 0);

    public QuboInfo? Qubo { get; init; }

    /// <summary>Baseline tasks this plan moved or dropped (re-planning); null when the problem has no baseline.</summary>
    public IReadOnlyList<PlanChange>? Changes { get; init; }
}
