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

public sealed record QuboInfo(int Variables, int Interactions, IReadOnlyDictionary<string, double> Penalties);

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
