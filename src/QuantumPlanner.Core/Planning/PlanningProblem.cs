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
}
