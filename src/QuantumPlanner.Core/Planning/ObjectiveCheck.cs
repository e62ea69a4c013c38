using System.Globalization;

namespace QuantumPlanner.Core.Planning;

/// <summary>
/// Thrown in check mode (<see cref="PlanningOptions.Check"/>) when a backend's incremental objective disagrees with
/// <see cref="PlanScorer"/>: names the backend, the term and both values.
/// </summary>
public sealed class ObjectiveCheckException : Exception
{
    public ObjectiveCheckException()
    {
    }

    public ObjectiveCheckException(string message)
        : base(message)
    {
    }

    public ObjectiveCheckException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ObjectiveCheckException(string backend, string term, double incremental, double scorer)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"check mode: backend '{backend}' holds {term} = {incremental:R} incrementally, but PlanScorer gives {scorer:R} for the same plan. Maybe the backend's update for '{term}' misses a case; run it with --check on the smallest problem that shows it."))
    {
        Backend = backend;
        Term = term;
        Incremental = incremental;
        Scorer = scorer;
    }

    public string Backend { get; } = string.Empty;

    public string Term { get; } = string.Empty;

    public double Incremental { get; }

    public double Scorer { get; }
}

/// <summary>
/// Timefold's FULL_ASSERT for planning backends: after an improvement, the backend hands its plan and its own
/// (incremental) view of the objective here; the plan is re-scored from scratch and any disagreement throws
/// <see cref="ObjectiveCheckException"/>. Backends call it only when <see cref="PlanningOptions.Check"/> is set.
/// </summary>
public static class ObjectiveCheck
{
    /// <summary>Name of the pseudo-term for an assignment search whose every term agrees but whose running total does not.</summary>
    public const string RunningTotal = "running total (every term agrees with the scorer)";

    /// <summary>Name of the pseudo-term for the backend's feasibility claim.</summary>
    public const string HardViolations = "hardViolations";

    /// <summary>Checks every term: <paramref name="incremental"/> holds the unweighted values, as the scorer's breakdown.</summary>
    public static void Verify(string backend, PlanningProblem problem, IReadOnlyList<Assignment> plan, in TermValues incremental, bool claimsFeasible)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var score = PlanScorer.Score(problem, plan).Score;
        VerifyFeasibility(backend, score, claimsFeasible);
        VerifyTerms(backend, problem, score, incremental);
    }

    /// <summary>
    /// Checks an assignment search (the pure-assignment view): first each weighted term of the assignment, summed from
    /// the pair coefficients the search prices its moves with (0 for the terms the view leaves out), against the scorer,
    /// so a wrong term is named with both values; then the search's running total, which drifts only when its move
    /// bookkeeping is wrong.
    /// </summary>
    public static void VerifyAssignment(string backend, PureAssignment view, IReadOnlyList<int> agentOf, double incrementalObjective, bool claimsFeasible)
    {
        ArgumentNullException.ThrowIfNull(view);
        var problem = view.Problem;
        var score = PlanScorer.Score(problem, view.ToAssignments(agentOf)).Score;
        VerifyFeasibility(backend, score, claimsFeasible);
        VerifyTerms(backend, problem, score, view.Terms(agentOf));
        if (!Close(incrementalObjective, score.Objective))
        {
            throw new ObjectiveCheckException(backend, RunningTotal, incrementalObjective, score.Objective);
        }
    }

    /// <summary>Each weighted term held against the scorer's breakdown; the first that differs is named.</summary>
    private static void VerifyTerms(string backend, PlanningProblem problem, Score score, in TermValues held)
    {
        foreach (var info in ObjectiveCatalogue.Terms)
        {
            var expected = score.Breakdown[(int)info.Term].Value;
            if (problem.Objective[info.Term] != 0 && !Close(held[(int)info.Term], expected))
            {
                throw new ObjectiveCheckException(backend, info.Name, held[(int)info.Term], expected);
            }
        }
    }

    private static void VerifyFeasibility(string backend, Score score, bool claimsFeasible)
    {
        if (claimsFeasible && score.HardViolations > 0)
        {
            throw new ObjectiveCheckException(backend, $"{HardViolations} ({score.Violations[0].Constraint}: {score.Violations[0].Message})", 0, score.HardViolations);
        }
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-6 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
}
