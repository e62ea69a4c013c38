namespace QuantumPlanner.Core.Planning;

/// <summary>
/// A problem that passed <see cref="ProblemValidator"/>. <see cref="TryCreate"/> is the only way to make one, so a
/// value of this type is the proof: the pipeline solves it without validating again, and an intake (the CLI's file
/// reader, the service's request reader) validates exactly once.
/// </summary>
public sealed class ValidatedProblem
{
    private ValidatedProblem(PlanningProblem problem) => Problem = problem;

    public PlanningProblem Problem { get; }

    /// <summary>Validates <paramref name="problem"/>: the validated problem and no issues, or null and every issue.</summary>
    public static (ValidatedProblem? Problem, IReadOnlyList<ValidationIssue> Issues) TryCreate(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var issues = ProblemValidator.Validate(problem);
        return (issues.Count == 0 ? new ValidatedProblem(problem) : null, issues);
    }

    /// <summary>Validates <paramref name="problem"/>; throws <see cref="InvalidProblemException"/> with every issue.</summary>
    public static ValidatedProblem Create(PlanningProblem problem)
    {
        var (valid, issues) = TryCreate(problem);
        return valid ?? throw new InvalidProblemException(issues);
    }
}
