using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Core.Planning;

/// <summary>Options shared by every planning backend.</summary>
public sealed record PlanningOptions
{
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(10);

    public ulong Seed { get; init; } = 1;

    /// <summary>Stops iterative backends after this many moves (null: only the time limit); makes runs reproducible.</summary>
    public long? MaxIterations { get; init; }

    /// <summary>A known plan to start from (warm start); backends may ignore it.</summary>
    public IReadOnlyList<Assignment>? InitialAssignments { get; init; }

    /// <summary>Called with each improving objective so far (for job progress).</summary>
    public Action<double>? OnProgress { get; init; }

    /// <summary>
    /// Check mode (FULL_ASSERT): every backend re-scores its incremental objective with <see cref="PlanScorer"/> at every
    /// improvement and throws <see cref="ObjectiveCheckException"/> on a mismatch. Much slower; for tests and bug hunts.
    /// Defaults to on when the environment variable QP_CHECK is 1.
    /// </summary>
    public bool Check { get; init; } = Environment.GetEnvironmentVariable("QP_CHECK") == "1";

    /// <summary>
    /// The sampler of the QUBO path (the anneal backend, and auto when it runs anneal): a local sampler name (sa, pt,
    /// tabu, auto, ...) or a remote annealer (qpu:NAME, hybrid:NAME). Other backends ignore it.
    /// </summary>
    public string Sampler { get; init; } = DefaultSampler;

    /// <summary>
    /// Makes the sampler named by <see cref="Sampler"/>; null: the local catalogue only. The CLI and the service pass
    /// one that also makes remote annealers behind their fallback (and counts fallbacks).
    /// </summary>
    public Func<string, ISampler>? CreateSampler { get; init; }

    public const string DefaultSampler = "auto";
}

/// <summary>What a backend returns before the common scorer judges it.</summary>
public sealed record BackendResult(
    IReadOnlyList<Assignment> Assignments,
    bool ProvedOptimal,
    double? Bound,
    string Status)
{
    /// <summary>The strategy inside the backend that produced the plan (e.g. "assignment-tabu"); backendsTried shows
    /// it as "backend/strategy". Null when the backend has one way of working.</summary>
    public string? Strategy { get; init; }

    /// <summary>What the QUBO path compiled and sampled, when this backend took it (the plan's "qubo" section).</summary>
    public QuboInfo? Qubo { get; init; }
}

/// <summary>One way of solving a planning problem. The pipeline scores every result with the same scorer.</summary>
public interface IPlanningBackend
{
    string Name { get; }

    /// <summary>False with a reason when the backend cannot run here (missing native library, too large, ...).</summary>
    bool IsAvailable(out string? reason);

    /// <summary>
    /// False when the problem has a shape this backend does not solve (e.g. timing matters and the backend only
    /// assigns); <see cref="Solve"/> then throws <see cref="ArgumentException"/> naming the problem.
    /// </summary>
    bool Accepts(PlanningProblem problem) => true;

    BackendResult Solve(PlanningProblem problem, PlanningOptions options, CancellationToken cancellationToken);
}
