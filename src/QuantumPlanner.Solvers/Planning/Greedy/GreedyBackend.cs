using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.ScheduleGeneration;

namespace QuantumPlanner.Solvers.Planning.Greedy;

/// <summary>
/// Fast construction: serial schedule generation under several priority rules (latest start, critical path,
/// weighted shortest, fewest agents), keeping the best plan. Deterministic; ignores the seed.
/// </summary>
public sealed class GreedyBackend : IPlanningBackend
{
    public string Name => "greedy";

    public bool IsAvailable(out string? reason)
    {
        reason = null;
        return true;
    }

    public BackendResult Solve(PlanningProblem problem, PlanningOptions options, CancellationToken cancellationToken)
    {
        var compiled = new CompiledProblem(problem);
        var (assignments, hard, _) = Best(compiled, options?.Check ?? false);
        return new BackendResult(assignments, false, null, hard > 0 ? "infeasible" : "feasible");
    }

    /// <summary>The best plan over all rules with its order and genes (the local search starts from these).</summary>
    internal static (List<Assignment> Assignments, double Hard, (int[] Order, int[] Genes) Genotype) Best(CompiledProblem compiled, bool check = false)
    {
        var builder = new ScheduleBuilder(compiled);
        List<Assignment>? best = null;
        (int[], int[]) bestGenotype = default;
        var bestHard = double.PositiveInfinity;
        var bestObjective = double.PositiveInfinity;
        foreach (var rule in GreedyScheduler.AllRules)
        {
            var genotype = GreedyScheduler.Run(compiled, builder, rule);
            if (check)
            {
                builder.Verify("greedy");
            }
            var hard = builder.Hard;
            var objective = builder.Objective();
            if (hard < bestHard - 1e-9 || (Math.Abs(hard - bestHard) <= 1e-9 && objective < bestObjective - 1e-9))
            {
                bestHard = hard;
                bestObjective = objective;
                best = builder.Assignments();
                bestGenotype = genotype;
            }
        }

        return (best!, bestHard, bestGenotype);
    }
}
