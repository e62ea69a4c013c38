using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.OrTools;

namespace QuantumPlanner.Cli.Tests;

public sealed class AssignmentPipelineTests
{
    [Fact]
    public void Auto_PureAssignment_RunsTabuThenCpSatAndProvesTheOptimum()
    {
        var problem = GapImporter.Read(Path.Combine(AppContext.BaseDirectory, "Data", "gap1-1.txt"));

        var plan = PlanningBackends.CreatePipeline().Solve(problem, "auto", new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(20), Seed = 2 }, CancellationToken.None);

        var tried = plan.BackendsTried.Select(b => b.Backend).ToList();
        Assert.Equal(["greedy", "localsearch/assignment-tabu", "cpsat/lagrangian-bb"], tried.Where(b => b != "exact"));
        Assert.Equal("optimal", plan.Status);
        Assert.Empty(plan.Score.Violations);
        Assert.Equal(plan.Bound!.Value, plan.Score.Objective, 6);
    }

    [Fact]
    public void CpSatLns_Gap_ReachesTheOptimumAutoProves()
    {
        var problem = GapImporter.Read(Path.Combine(AppContext.BaseDirectory, "Data", "gap1-1.txt"));
        var options = new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(20), Seed = 2 };
        var proved = PlanningBackends.CreatePipeline().Solve(problem, "auto", options, CancellationToken.None);

        var lns = PlanningBackends.CreatePipeline().Solve(problem, "cpsat-lns", options, CancellationToken.None);

        Assert.Empty(lns.Score.Violations);
        Assert.Equal(proved.Score.Objective, lns.Score.Objective, 6);
    }

    [Fact]
    public void Auto_ProblemWhereTimingMatters_DoesNotUseTheAssignmentView()
    {
        var gap = GapImporter.Read(Path.Combine(AppContext.BaseDirectory, "Data", "gap1-1.txt"));
        var timed = gap with { Objective = gap.Objective with { Makespan = 1 } };

        var plan = PlanningBackends.CreatePipeline().Solve(timed, "auto", new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(2), Seed = 2 }, CancellationToken.None);

        Assert.DoesNotContain(plan.BackendsTried, b => b.Backend == "cpsat-lns");
        Assert.Contains(plan.BackendsTried, b => b.Backend == "localsearch/late-acceptance");
        Assert.Empty(plan.Score.Violations);
    }
}
