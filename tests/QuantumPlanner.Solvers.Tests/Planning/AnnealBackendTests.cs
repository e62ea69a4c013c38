using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.Solvers.Planning.Anneal;
using QuantumPlanner.Solvers.Sampling.Tabu;

namespace QuantumPlanner.Solvers.Tests.Planning;

public sealed class AnnealBackendTests
{
    [Fact]
    public void Solve_Gap1_1WithTabuSampler_FeasibleAndNearTheOptimum()
    {
        var problem = GapImporter.Read(Path.Combine(AppContext.BaseDirectory, "Data", "gap1-1.txt"));
        var view = PureAssignment.TryCreate(problem)!;

        var result = new AnnealBackend(new TabuSampler()).Solve(problem, new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(2), Seed = 1 }, CancellationToken.None);

        Assert.Equal("feasible", result.Status);
        var (cost, overload) = view.Evaluate(view.FromAssignments(result.Assignments));
        Assert.Equal(0, overload);
        // The optimum is 261 (OR-Library); a loose bound, since the time limit makes the figure machine-dependent.
        Assert.InRange(cost, 261, 261 * 1.10);
    }

    [Fact]
    public void Solve_ProblemWhereTimingMatters_RefusesNamingTheBackendToUse()
    {
        var problem = JobShopImporter.Parse(new StringReader("2 2\n0 3 1 2\n1 2 0 4\n"), "tiny.jsp", "tiny");

        var error = Assert.Throws<ArgumentException>(() => new AnnealBackend(new TabuSampler()).Solve(problem, new PlanningOptions(), CancellationToken.None));

        Assert.Contains("cpsat", error.Message, StringComparison.Ordinal);
    }
}
