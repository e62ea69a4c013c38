using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.Exact;
using QuantumPlanner.Solvers.Planning.Greedy;
using QuantumPlanner.Solvers.Planning.LocalSearch;

namespace QuantumPlanner.Solvers.Planning;

/// <summary>
/// The backends a <see cref="PlanningPipeline"/> can run, each in the role the "auto" portfolio gives it, so the
/// portfolio holds its backends by role and never looks one up by name. Built by one composition root
/// (QuantumPlanner.OrTools.PlanningBackends) for the CLI, the service and the tests; <see cref="BuiltIn"/> is the
/// part that needs no native library.
/// </summary>
public sealed record PlanningBackendSet
{
    /// <summary>Runs first: a quick feasible plan that warm-starts the rest.</summary>
    public required IPlanningBackend Greedy { get; init; }

    /// <summary>Improves the best plan so far (and on pure assignment gives the complete solver its first incumbent).</summary>
    public required IPlanningBackend LocalSearch { get; init; }

    /// <summary>Enumerates tiny problems to optimality (run when <see cref="ExactBackend.EstimateLeaves"/> allows).</summary>
    public required IPlanningBackend Exact { get; init; }

    /// <summary>A complete solver that proves bounds (CP-SAT), run last with the rest of the time; null when none is composed.</summary>
    public IPlanningBackend? Complete { get; init; }

    /// <summary>Backends a user can name but the portfolio does not run on its own.</summary>
    public IReadOnlyList<IPlanningBackend> Others { get; init; } = [];

    /// <summary>Greedy, local search and exact: the backends of QuantumPlanner.Solvers.</summary>
    public static PlanningBackendSet BuiltIn() => new()
    {
        Greedy = new GreedyBackend(),
        LocalSearch = new LocalSearchBackend(),
        Exact = new ExactBackend(),
    };

    /// <summary>Every backend, in the order `qplan backends` lists them.</summary>
    public IEnumerable<IPlanningBackend> All()
    {
        yield return Greedy;
        yield return LocalSearch;
        yield return Exact;
        if (Complete is not null)
        {
            yield return Complete;
        }

        foreach (var other in Others)
        {
            yield return other;
        }
    }
}
