using System.Text.Json.Serialization;

namespace QuantumPlanner.Core.Planning;

/// <summary>A half-open time window [Start, End).</summary>
public sealed record TimeWindow(int Start, int End);

public sealed record Agent
{
    public required string Id { get; init; }

    public IReadOnlyList<string> Skills { get; init; } = [];

    /// <summary>Tasks the agent can work on at once.</summary>
    public int Capacity { get; init; } = 1;

    public double CostPerUnit { get; init; }

    /// <summary>Windows in which the agent works; empty means always available.</summary>
    public IReadOnlyList<TimeWindow> Availability { get; init; } = [];

    /// <summary>Cap on the total duration of the agent's tasks; null means none.</summary>
    public int? MaxWorkload { get; init; }
}

public sealed record Resource
{
    public required string Id { get; init; }

    public int Capacity { get; init; } = 1;
}

public sealed record PlanningTask
{
    public required string Id { get; init; }

    public IReadOnlyList<string> RequiredSkills { get; init; } = [];

    /// <summary>0 makes the task a milestone: it takes no time, no agent capacity and no resource.</summary>
    public int Duration { get; init; } = 1;

    public IReadOnlyDictionary<string, int> DurationByAgent { get; init; } = new Dictionary<string, int>();

    public IReadOnlyDictionary<string, double> CostByAgent { get; init; } = new Dictionary<string, double>();

    public double Priority { get; init; } = 1;

    public int EarliestStart { get; init; }

    public int? Deadline { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Demand on each shared resource while the task runs.</summary>
    public IReadOnlyDictionary<string, int> Resources { get; init; } = new Dictionary<string, int>();

    public bool Optional { get; init; }

    /// <summary>Bonus weight for running on each preferred agent.</summary>
    public IReadOnlyDictionary<string, double> PreferredAgents { get; init; } = new Dictionary<string, double>();
}

/// <summary>Weights of the objective terms; the weighted sum is minimised.</summary>
public sealed record ObjectiveWeights
{
    public double Makespan { get; init; } = 1;

    public double Cost { get; init; }

    public double Tardiness { get; init; }

    public double LoadBalance { get; init; }

    /// <summary>Weight of Σ priority × completion time.</summary>
    public double Priority { get; init; }

    public double Preferences { get; init; }

    /// <summary>Penalty per dropped optional task.</summary>
    public double Unassigned { get; init; } = 1000;

    /// <summary>Weight per baseline task whose agent or start differs from the baseline (re-planning).</summary>
    public double Changes { get; init; }

    /// <summary>The weight of <paramref name="term"/>: the one mapping from catalogue terms to these properties.</summary>
    [JsonIgnore]
    public double this[ObjectiveTerm term] => term switch
    {
        ObjectiveTerm.Makespan => Makespan,
        ObjectiveTerm.Cost => Cost,
        ObjectiveTerm.Tardiness => Tardiness,
        ObjectiveTerm.LoadBalance => LoadBalance,
        ObjectiveTerm.Priority => Priority,
        ObjectiveTerm.Preferences => Preferences,
        ObjectiveTerm.Unassigned => Unassigned,
        ObjectiveTerm.Changes => Changes,
        _ => throw new ArgumentOutOfRangeException(nameof(term), term, "Not a catalogue term. Maybe add it to ObjectiveCatalogue.Terms."),
    };

    /// <summary>A copy with the weight of <paramref name="term"/> set to <paramref name="weight"/>.</summary>
    public ObjectiveWeights With(ObjectiveTerm term, double weight) => term switch
    {
        ObjectiveTerm.Makespan => this with { Makespan = weight },
        ObjectiveTerm.Cost => this with { Cost = weight },
        ObjectiveTerm.Tardiness => this with { Tardiness = weight },
        ObjectiveTerm.LoadBalance => this with { LoadBalance = weight },
        ObjectiveTerm.Priority => this with { Priority = weight },
        ObjectiveTerm.Preferences => this with { Preferences = weight },
        ObjectiveTerm.Unassigned => this with { Unassigned = weight },
        ObjectiveTerm.Changes => this with { Changes = weight },
        _ => throw new ArgumentOutOfRangeException(nameof(term), term, "Not a catalogue term. Maybe add it to ObjectiveCatalogue.Terms."),
    };
}

/// <summary>
/// One assignment of a previous plan (the shape of a plan's assignment, so a plan pastes in). A pinned one must keep
/// its agent and start; <see cref="End"/> is informative (the end follows from the task's duration on the agent).
/// </summary>
public sealed record BaselineAssignment
{
    public required string Task { get; init; }

    public string? Agent { get; init; }

    public int Start { get; init; }

    public int? End { get; init; }

    public bool Pinned { get; init; }
}

/// <summary>The plan being re-planned: its assignments (DESIGN.md §3, "baseline").</summary>
public sealed record PlanBaseline
{
    public IReadOnlyList<BaselineAssignment> Assignments { get; init; } = [];
}

/// <summary>A planning problem as users write it (DESIGN.md §3).</summary>
public sealed record PlanningProblem
{
    public string Name { get; init; } = "problem";

    /// <summary>Latest time any task may end; null lets the solver derive one.</summary>
    public int? Horizon { get; init; }

    public IReadOnlyList<Agent> Agents { get; init; } = [];

    public IReadOnlyList<Resource> Resources { get; init; } = [];

    public IReadOnlyList<PlanningTask> Tasks { get; init; } = [];

    public ObjectiveWeights Objective { get; init; } = new();

    /// <summary>When true (the default), deadlines are hard; otherwise lateness costs the tardiness weight.</summary>
    [JsonPropertyName("hardDeadlines")]
    public bool HardDeadlines { get; init; } = true;

    /// <summary>A previous plan to re-plan from; null when planning from scratch.</summary>
    public PlanBaseline? Baseline { get; init; }
}
