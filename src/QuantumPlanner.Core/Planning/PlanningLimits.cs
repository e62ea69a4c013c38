namespace QuantumPlanner.Core.Planning;

/// <summary>Largest problems accepted; larger ones are rejected by validation with a message naming the limit.</summary>
public static class PlanningLimits
{
    public const int MaxTasks = 5_000;
    public const int MaxAgents = 1_000;
    public const int MaxResources = 200;
    public const int MaxWindowsPerAgent = 1_000;

    /// <summary>Largest time value (horizon, deadline, earliest start, window bound).</summary>
    public const int MaxTime = 1_000_000;

    /// <summary>Largest duration; with <see cref="MaxTasks"/> keeps every sum of durations inside an int.</summary>
    public const int MaxDuration = 100_000;

    /// <summary>Longest id (task, agent, resource) and skill name, in UTF-16 code units.</summary>
    public const int MaxIdLength = 200;
}
