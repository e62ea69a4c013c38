namespace QuantumPlanner.Core.Planning;

/// <summary>
/// One thing wrong with a problem. <see cref="Item"/> names what is wrong ("task 'train'", "$.tasks[2].duration"),
/// <see cref="Suggestion"/> says how to fix it. Line and Column (1-based) are set for issues found in JSON text.
/// </summary>
public sealed record ValidationIssue(string Code, string Item, string Message, string Suggestion)
{
    public int? Line { get; init; }

    public int? Column { get; init; }

    public override string ToString()
    {
        var where = Line is { } line ? $" (line {line}, column {Column})" : string.Empty;
        return $"{Item}{where}: {Message} {Suggestion}";
    }
}

/// <summary>What <see cref="PlanningJson.ParseProblem"/> found: a problem when the text had the right shape, and every issue.</summary>
public sealed record ProblemParseResult(PlanningProblem? Problem, IReadOnlyList<ValidationIssue> Issues)
{
    public bool IsValid => Problem is not null && Issues.Count == 0;
}

/// <summary>Thrown by the planning pipeline for a problem that fails validation; carries every issue.</summary>
public sealed class InvalidProblemException : Exception
{
    public InvalidProblemException()
        : this([])
    {
    }

    public InvalidProblemException(string message)
        : base(message)
    {
        Issues = [];
    }

    public InvalidProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Issues = [];
    }

    public InvalidProblemException(IReadOnlyList<ValidationIssue> issues)
        : base(Describe(issues))
    {
        Issues = issues;
    }

    public IReadOnlyList<ValidationIssue> Issues { get; }

    private static string Describe(IReadOnlyList<ValidationIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        return issues.Count switch
        {
            0 => "The problem is invalid.",
            1 => $"The problem is invalid: {issues[0]}",
            _ => $"The problem has {issues.Count} issues; the first: {issues[0]}",
        };
    }
}

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
