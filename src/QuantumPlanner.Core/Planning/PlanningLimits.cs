namespace QuantumPlanner.Core.Planning;

/// <summary>
/// Largest problems accepted. The JSON reader refuses a list at its first item over the limit (so a file far above
/// the limits costs no per-item work), and validation refuses an in-memory problem above them before any other check.
/// </summary>
public static class PlanningLimits
{
    public const int MaxTasks = 5_000;
    public const int MaxAgents = 1_000;
    public const int MaxResources = 200;
    public const int MaxWindowsPerAgent = 1_000;

    /// <summary>Most skills one agent holds or one task requires; bounds the skill matching of every (task, agent) pair.</summary>
    public const int MaxSkillsPerItem = 100;

    /// <summary>Largest time value (horizon, deadline, earliest start, window bound).</summary>
    public const int MaxTime = 1_000_000;

    /// <summary>Largest duration; with <see cref="MaxTasks"/> keeps every sum of durations inside an int.</summary>
    public const int MaxDuration = 100_000;

    /// <summary>Longest id (task, agent, resource) and skill name, in UTF-16 code units.</summary>
    public const int MaxIdLength = 200;

    internal static readonly ListLimit Tasks = new("tasks", MaxTasks, "Maybe split it into several problems (e.g. per week or team).");
    internal static readonly ListLimit Agents = new("agents", MaxAgents, "Maybe group identical agents into one with a larger capacity.");
    internal static readonly ListLimit Resources = new("resources", MaxResources, "Maybe merge resources that are always used together.");
    internal static readonly ListLimit Windows = new("availability windows", MaxWindowsPerAgent, "Maybe merge adjacent windows.");
    internal static readonly ListLimit Skills = new("skills", MaxSkillsPerItem, "Maybe group related skills under one name.");
    internal static readonly ListLimit Dependencies = new("dependencies", MaxTasks, "Maybe list each dependency once.");
    internal static readonly ListLimit BaselineAssignments = new("baseline assignments", MaxTasks, "Maybe keep one assignment per task.");
    internal static readonly ListLimit AgentEntries = new("entries", MaxAgents, "Maybe keep one entry per agent.");
    internal static readonly ListLimit ResourceEntries = new("resource demands", MaxResources, "Maybe keep one entry per resource.");
}

/// <summary>One size limit of a list in a problem: what it counts (for messages), the bound, and the advice.</summary>
internal sealed record ListLimit(string Noun, int Max, string Suggestion);
