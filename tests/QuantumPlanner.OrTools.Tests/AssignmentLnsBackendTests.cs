using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.OrTools.CpSat;
using QuantumPlanner.OrTools.Lns;

namespace QuantumPlanner.OrTools.Tests;

public sealed class AssignmentLnsBackendTests
{
    private static readonly PlanningOptions Bounded = new() { TimeLimit = TimeSpan.FromSeconds(30), Seed = 5, MaxIterations = 400 };

    [Fact]
    public void Solve_Gap_MatchesTheOptimumCpSatProves()
    {
        var problem = GapImporter.Read(TestData.Path("gap1-1.txt"));
        AssertMatchesProvedOptimum(problem);
    }

    [Fact]
    public void Solve_OptionalTasksWithPenalty_DropsOnlyWhereItPays()
    {
        var gap = GapImporter.Read(TestData.Path("gap1-1.txt"));
        var tasks = gap.Tasks.Select((t, j) => j % 4 == 0 ? t with { Optional = true } : t).ToList();
        var problem = gap with { Tasks = tasks, Objective = gap.Objective with { Unassigned = 20 } };
        AssertMatchesProvedOptimum(problem);
    }

    private static void AssertMatchesProvedOptimum(PlanningProblem problem)
    {
        var optimum = new CpSatBackend(2).Solve(problem, Bounded, CancellationToken.None);
        Assert.True(optimum.ProvedOptimal);

        var result = new AssignmentLnsBackend(new CpSatBackend(), 2).Solve(problem, Bounded, CancellationToken.None);

        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
        Assert.Equal(IndependentCheck.Objective(problem, optimum.Assignments), IndependentCheck.Objective(problem, result.Assignments), 9);
    }

    [Fact]
    public void Solve_InfeasibleWarmStart_StillFindsAFeasiblePlan()
    {
        var problem = GapImporter.Read(TestData.Path("gap1-1.txt"));
        var everythingOnOneAgent = problem.Tasks.Select(t => new Assignment(t.Id, "a1", 0, t.DurationOn("a1"))).ToList();

        var result = new AssignmentLnsBackend(new CpSatBackend(), 1).Solve(problem, Bounded with { InitialAssignments = everythingOnOneAgent }, CancellationToken.None);

        Assert.Equal("feasible", result.Status);
        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
    }

    [Fact]
    public void Solve_ProblemWhereTimingMatters_ThrowsNamingItAndTheAlternative()
    {
        var gap = GapImporter.Read(TestData.Path("gap1-1.txt"));
        var timed = gap with { Name = "sprint", Objective = gap.Objective with { Makespan = 1 } };

        var error = Assert.Throws<ArgumentException>(() => new AssignmentLnsBackend(new CpSatBackend(), 1).Solve(timed, Bounded, CancellationToken.None));

        Assert.Contains("'sprint'", error.Message, StringComparison.Ordinal);
        Assert.Contains("cpsat", error.Message, StringComparison.Ordinal);
        Assert.False(AssignmentLnsBackend.Supports(timed));
        Assert.True(AssignmentLnsBackend.Supports(gap));
    }
}
