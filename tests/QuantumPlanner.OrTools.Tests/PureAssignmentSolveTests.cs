using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.OrTools.CpSat;
using QuantumPlanner.Solvers.Planning.LocalSearch;

namespace QuantumPlanner.OrTools.Tests;

/// <summary>
/// The cpsat backend on pure assignment problems with a feasible warm start: Lagrangian branch and bound beside
/// CP-SAT (two workers) or in turns with it (one worker). Every answer is checked against CP-SAT's proof on the
/// whole model without a warm start, which takes the plain path.
/// </summary>
public sealed class PureAssignmentSolveTests
{
    private static readonly PlanningOptions Generous = new() { TimeLimit = TimeSpan.FromSeconds(60), Seed = 4 };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Solve_GapWithWarmStart_ProvesTheSameOptimumAsThePlainModel(int workers)
    {
        var problem = GapImporter.Read(TestData.Path("gap1-1.txt"));
        AssertProvesPlainOptimum(problem, workers);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Solve_OptionalTasksWithWarmStart_ProvesTheSameOptimumAsThePlainModel(int workers)
    {
        var gap = GapImporter.Read(TestData.Path("gap1-1.txt"));
        var tasks = gap.Tasks.Select((t, j) => j % 4 == 0 ? t with { Optional = true } : t).ToList();
        var problem = gap with { Tasks = tasks, Objective = gap.Objective with { Unassigned = 20 } };
        AssertProvesPlainOptimum(problem, workers);
    }

    [Fact]
    public void Solve_FractionalCosts_ProvesTheSameOptimumAsThePlainModel()
    {
        var gap = GapImporter.Read(TestData.Path("gap1-1.txt"));
        var problem = gap with { Objective = gap.Objective with { Cost = 0.37 } };
        AssertProvesPlainOptimum(problem, 2);
    }

    /// <summary>OR-Library c20200 (200 jobs, 20 agents): plain CP-SAT ends 10 s a few units above the optimum; this
    /// path proves the published optimum (read from best_known.csv, copied beside the instance).</summary>
    [Fact]
    public void Solve_C20200WithWarmStart_ProvesThePublishedOptimum()
    {
        var problem = GapImporter.Read(TestData.Path("c20200.txt"));
        var published = File.ReadLines(TestData.Path("gap_best_known.csv"))
            .Select(line => line.Split(','))
            .Single(cells => cells[0] == "c20200");

        var result = new CpSatBackend(2).Solve(problem, Generous with { InitialAssignments = WarmStart(problem) }, CancellationToken.None);

        Assert.True(result.ProvedOptimal, result.Status);
        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
        Assert.Equal(double.Parse(published[1], System.Globalization.CultureInfo.InvariantCulture), IndependentCheck.Objective(problem, result.Assignments), 9);
    }

    [Fact]
    public void Solve_WithWarmStart_ReportsItsStagesOnTheEventSource()
    {
        var problem = GapImporter.Read(TestData.Path("gap1-1.txt"));
        using var listener = new StageListener();

        new CpSatBackend(2).Solve(problem, Generous with { InitialAssignments = WarmStart(problem) }, CancellationToken.None);

        Assert.Contains("Lagrangian", listener.Events);
    }

    /// <summary>Collects the event names of the QuantumPlanner-Assignment source.</summary>
    private sealed class StageListener : System.Diagnostics.Tracing.EventListener
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Events { get; } = [];

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
        {
            if (eventSource.Name == "QuantumPlanner-Assignment")
            {
                EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Informational);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs eventData) => Events.Add(eventData.EventName ?? string.Empty);
    }

    [Fact]
    public void Solve_InfeasibleWarmStart_TakesThePlainPathAndStillProves()
    {
        var problem = GapImporter.Read(TestData.Path("gap1-1.txt"));
        var everythingOnOneAgent = problem.Tasks.Select(t => new Assignment(t.Id, "a1", 0, t.DurationOn("a1"))).ToList();

        var result = new CpSatBackend(2).Solve(problem, Generous with { InitialAssignments = everythingOnOneAgent }, CancellationToken.None);

        Assert.True(result.ProvedOptimal);
        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
    }

    private static void AssertProvesPlainOptimum(PlanningProblem problem, int workers)
    {
        var plain = new CpSatBackend(2).Solve(problem, Generous, CancellationToken.None);
        Assert.True(plain.ProvedOptimal);

        var warm = WarmStart(problem);
        var result = new CpSatBackend(workers).Solve(problem, Generous with { InitialAssignments = warm }, CancellationToken.None);

        Assert.True(result.ProvedOptimal, result.Status);
        Assert.Equal("optimal", result.Status);
        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
        var objective = IndependentCheck.Objective(problem, result.Assignments);
        Assert.Equal(IndependentCheck.Objective(problem, plain.Assignments), objective, 9);
        Assert.Equal(objective, result.Bound!.Value, 6);
    }

    /// <summary>A feasible but poor plan: a few tabu moves from greedy.</summary>
    private static IReadOnlyList<Assignment> WarmStart(PlanningProblem problem)
    {
        var result = new LocalSearchBackend().Solve(
            problem, new PlanningOptions { Seed = 1, MaxIterations = 30, TimeLimit = TimeSpan.FromMinutes(1) }, CancellationToken.None);
        Assert.Equal("feasible", result.Status);
        return result.Assignments;
    }
}
