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
    /// <summary>Name of the pseudo-term for a backend that only holds the weighted total.</summary>
    public const string Total = "objective";

    /// <summary>Name of the pseudo-term for the backend's feasibility claim.</summary>
    public const string HardViolations = "hardViolations";

    /// <summary>Checks every term: <paramref name="incremental"/> holds the unweighted values, as the scorer's breakdown.</summary>
    public static void Verify(string backend, PlanningProblem problem, IReadOnlyList<Assignment> plan, in TermValues incremental, bool claimsFeasible)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var score = PlanScorer.Score(problem, plan).Score;
        VerifyFeasibility(backend, score, claimsFeasible);
        foreach (var info in ObjectiveCatalogue.Terms)
        {
            var expected = score.Breakdown[(int)info.Term].Value;
            var held = incremental[(int)info.Term];
            if (problem.Objective[info.Term] != 0 && !Close(held, expected))
            {
                throw new ObjectiveCheckException(backend, info.Name, held, expected);
            }
        }
    }

    /// <summary>Checks the weighted total, for backends that hold no per-term values; <paramref name="slack"/> is the
    /// rounding the backend's arithmetic allows (CP-SAT's integer scaling).</summary>
    public static void VerifyTotal(string backend, PlanningProblem problem, IReadOnlyList<Assignment> plan, double incrementalObjective, bool claimsFeasible, double slack = 0)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var score = PlanScorer.Score(problem, plan).Score;
        VerifyFeasibility(backend, score, claimsFeasible);
        if (Math.Abs(incrementalObjective - score.Objective) > slack && !Close(incrementalObjective, score.Objective))
        {
            throw new ObjectiveCheckException(backend, Total, incrementalObjective, score.Objective);
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
