using System.Diagnostics;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.OrTools.CpSat;

namespace QuantumPlanner.OrTools.Tests;

public sealed class CpSatBackendTests
{
    private static readonly PlanningOptions Quick = new() { TimeLimit = TimeSpan.FromSeconds(20), Seed = 3 };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    public void Solve_RandomTinyProblem_MatchesBruteForceOptimum(int seed)
    {
        var problem = TinyProblems.Random(seed);
        double? optimum = TinyProblems.BruteForceOptimum(problem);

        var result = new CpSatBackend(2).Solve(problem, Quick, CancellationToken.None);

        if (optimum is null)
        {
            Assert.Equal("infeasible", result.Status);
            return;
        }

        Assert.Equal("optimal", result.Status);
        Assert.True(result.ProvedOptimal);
        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
        double objective = IndependentCheck.Objective(problem, result.Assignments);
        Assert.Equal(optimum.Value, objective, 6);
        Assert.Equal(objective, result.Bound!.Value, 6);

        // The scorer every backend is judged by must agree with the model on feasibility and objective.
        var scored = PlanScorer.Evaluate(problem, result.Assignments);
        Assert.Empty(scored.Score.Violations);
        Assert.Equal(result.Bound.Value, scored.Score.Objective, 6);
    }

    [Fact]
    public void RandomTinyProblems_Seeds1To12_AreMostlyFeasibleSoTheComparisonMeansSomething()
    {
        int feasible = Enumerable.Range(1, 12).Count(seed => TinyProblems.BruteForceOptimum(TinyProblems.Random(seed)) is not null);

        Assert.InRange(feasible, 8, 12);
    }

    [Fact]
    public void Solve_AllConstraintKinds_PlanBreaksNone()
    {
        var problem = new PlanningProblem
        {
            Name = "kinds",
            Agents =
            [
                new Agent { Id = "a", Skills = ["ml"], Capacity = 1, Availability = [new(0, 4), new(6, 20)], MaxWorkload = 9 },
                new Agent { Id = "b", Skills = ["ml", "py"], Capacity = 2, CostPerUnit = 3 },
            ],
            Resources = [new Resource { Id = "gpu", Capacity = 1 }],
            Tasks =
            [
                new PlanningTask { Id = "prep", RequiredSkills = ["py"], Duration = 2 },
                new PlanningTask { Id = "train", RequiredSkills = ["ml"], Duration = 3, DependsOn = ["prep"], Resources = new Dictionary<string, int> { ["gpu"] = 1 } },
                new PlanningTask { Id = "tune", RequiredSkills = ["ml"], Duration = 3, Resources = new Dictionary<string, int> { ["gpu"] = 1 }, EarliestStart = 1 },
                new PlanningTask { Id = "eval", Duration = 2, DependsOn = ["train", "tune"], Deadline = 14 },
                new PlanningTask { Id = "docs", Duration = 5, DurationByAgent = new Dictionary<string, int> { ["b"] = 2 }, Optional = true },
            ],
            Objective = new ObjectiveWeights { Makespan = 1, Cost = 0.1, Tardiness = 5, LoadBalance = 0.5, Unassigned = 4 },
        };

        var result = new CpSatBackend(2).Solve(problem, Quick, CancellationToken.None);

        Assert.Equal("optimal", result.Status);
        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
        Assert.Equal(IndependentCheck.Objective(problem, result.Assignments), result.Bound!.Value, 6);
        var scored = PlanScorer.Evaluate(problem, result.Assignments);
        Assert.Empty(scored.Score.Violations);
        Assert.Equal(result.Bound.Value, scored.Score.Objective, 6);
    }

    [Fact]
    public void Solve_PureAssignmentWithDeadlinesAndWorkloadCaps_MatchesBruteForce()
    {
        // Makespan weight 0 and no sequencing: the model drops start times (GAP); deadlines must still bind.
        var problem = new PlanningProblem
        {
            Horizon = 6,
            Agents =
            [
                new Agent { Id = "a", Capacity = 3, MaxWorkload = 4 },
                new Agent { Id = "b", Capacity = 3, MaxWorkload = 5 },
            ],
            Tasks =
            [
                new PlanningTask { Id = "x", Duration = 2, DurationByAgent = new Dictionary<string, int> { ["b"] = 4 }, CostByAgent = new Dictionary<string, double> { ["a"] = 5, ["b"] = 1 }, Deadline = 3 },
                new PlanningTask { Id = "y", Duration = 3, CostByAgent = new Dictionary<string, double> { ["a"] = 1, ["b"] = 4 }, EarliestStart = 1 },
                new PlanningTask { Id = "z", Duration = 2, CostByAgent = new Dictionary<string, double> { ["a"] = 2, ["b"] = 2 } },
            ],
            Objective = new ObjectiveWeights { Makespan = 0, Cost = 1 },
        };

        var result = new CpSatBackend(1).Solve(problem, Quick, CancellationToken.None);

        Assert.Equal("optimal", result.Status);
        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
        Assert.Equal(TinyProblems.BruteForceOptimum(problem)!.Value, IndependentCheck.Objective(problem, result.Assignments), 6);
        Assert.Equal("a", result.Assignments.Single(a => a.Task == "x").Agent);
    }

    [Fact]
    public void Solve_TaskOnlyFitsSecondWindow_PlacedInsideIt()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "a", Availability = [new(0, 2), new(5, 9)] }],
            Tasks = [new PlanningTask { Id = "long", Duration = 3 }],
        };

        var result = new CpSatBackend(1).Solve(problem, Quick, CancellationToken.None);

        var only = Assert.Single(result.Assignments);
        Assert.InRange(only.Start, 5, 6);
        Assert.Equal(8, result.Bound);
    }

    [Fact]
    public void Solve_SoftDeadline_PaysTardinessInsteadOfFailing()
    {
        var problem = new PlanningProblem
        {
            HardDeadlines = false,
            Agents = [new Agent { Id = "a" }],
            Tasks = [new PlanningTask { Id = "x", Duration = 4 }, new PlanningTask { Id = "y", Duration = 4, Deadline = 5 }],
            Objective = new ObjectiveWeights { Makespan = 0, Tardiness = 1 },
        };

        var result = new CpSatBackend(1).Solve(problem, Quick, CancellationToken.None);

        Assert.Equal("optimal", result.Status);
        Assert.Equal(0, result.Bound);
        Assert.Equal(4, result.Assignments.Single(a => a.Task == "y").End);
    }

    [Fact]
    public void Solve_HardDeadlineTooTight_ReportsInfeasible()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "a" }],
            Tasks = [new PlanningTask { Id = "x", Duration = 4, Deadline = 5 }, new PlanningTask { Id = "y", Duration = 4, Deadline = 5 }],
        };

        var result = new CpSatBackend(1).Solve(problem, Quick, CancellationToken.None);

        Assert.Equal("infeasible", result.Status);
        Assert.Empty(result.Assignments);
    }

    [Fact]
    public void Solve_RequiredTaskWithoutSkilledAgent_ReportsInfeasible()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "a", Skills = ["py"] }],
            Tasks = [new PlanningTask { Id = "x", RequiredSkills = ["rust"] }],
        };

        var result = new CpSatBackend(1).Solve(problem, Quick, CancellationToken.None);

        Assert.Equal("infeasible", result.Status);
    }

    [Fact]
    public void Solve_OptionalTaskTooCostly_IsDropped()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "a", CostPerUnit = 10 }],
            Tasks = [new PlanningTask { Id = "x", Duration = 2, Optional = true }],
            Objective = new ObjectiveWeights { Makespan = 0, Cost = 1, Unassigned = 15 },
        };

        var result = new CpSatBackend(1).Solve(problem, Quick, CancellationToken.None);

        Assert.Empty(result.Assignments);
        Assert.Equal(15, result.Bound!.Value, 9);
    }

    [Fact]
    public void Solve_WithInitialAssignments_AcceptsHintAndKeepsOptimum()
    {
        var problem = TinyProblems.Random(4);
        var first = new CpSatBackend(1).Solve(problem, Quick, CancellationToken.None);
        var hinted = Quick with
        {
            InitialAssignments = [.. first.Assignments, new Assignment("no-such-task", "nobody", 0, 1)],
        };
        var progress = new List<double>();

        var second = new CpSatBackend(1).Solve(problem, hinted with { OnProgress = progress.Add }, CancellationToken.None);

        Assert.Equal("optimal", second.Status);
        Assert.Equal(IndependentCheck.Objective(problem, first.Assignments), IndependentCheck.Objective(problem, second.Assignments), 6);
        Assert.NotEmpty(progress);
        Assert.Equal(second.Bound!.Value, progress[^1], 6);
    }

    [Fact]
    public void Solve_CancelledDuringSearch_StopsLongBeforeTimeLimit()
    {
        var problem = RandomJobShop(seed: 5, jobs: 20, machines: 10);
        using var cancel = new CancellationTokenSource();
        cancel.CancelAfter(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        var result = new CpSatBackend(2).Solve(problem, Quick with { TimeLimit = TimeSpan.FromMinutes(5) }, cancel.Token);

        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"took {clock.Elapsed}");
        Assert.NotEqual("optimal", result.Status);
        if (result.Assignments.Count > 0)
        {
            Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
        }
    }

    [Fact]
    public void Solve_AlreadyCancelled_ReturnsUnknownWithoutPlan()
    {
        var result = new CpSatBackend(1).Solve(TinyProblems.Random(1), Quick, new CancellationToken(canceled: true));

        Assert.Equal("unknown", result.Status);
        Assert.Empty(result.Assignments);
    }

    [Fact]
    public void Solve_NoAgents_SchedulesAgainstResourcesAndDependencies()
    {
        var problem = new PlanningProblem
        {
            Resources = [new Resource { Id = "crane", Capacity = 2 }],
            Tasks =
            [
                new PlanningTask { Id = "a", Duration = 3, Resources = new Dictionary<string, int> { ["crane"] = 2 } },
                new PlanningTask { Id = "b", Duration = 2, Resources = new Dictionary<string, int> { ["crane"] = 1 } },
                new PlanningTask { Id = "c", Duration = 2, Resources = new Dictionary<string, int> { ["crane"] = 1 } },
                new PlanningTask { Id = "d", Duration = 1, DependsOn = ["b"] },
            ],
        };

        var result = new CpSatBackend(1).Solve(problem, Quick, CancellationToken.None);

        Assert.Equal("optimal", result.Status);
        Assert.All(result.Assignments, a => Assert.Null(a.Agent));
        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
        // a needs the whole crane for 3 units; b and c share it for 2: nothing beats 5.
        Assert.Equal(5, result.Assignments.Max(a => a.End));
    }

    [Fact]
    public void IsAvailable_NativeLibraryPresent_ReturnsTrue()
    {
        Assert.True(new CpSatBackend().IsAvailable(out var reason), reason);
    }

    [Fact]
    public void Choose_DecimalWeights_ScalesToExactIntegers()
    {
        var scale = ObjectiveScale.Choose([0.25, 1.5, 3], 0.5, 100);

        Assert.True(scale.Exact);
        Assert.Equal(100, scale.Factor);
        Assert.Equal(25, scale.ToInteger(0.25));
    }

    [Fact]
    public void Choose_ThirdWeight_RoundsAndReportsSlack()
    {
        var scale = ObjectiveScale.Choose([1.0 / 3], 0, 10);

        Assert.False(scale.Exact);
        Assert.InRange(scale.RoundingSlack, 0, 1e-6);
    }

    private static PlanningProblem RandomJobShop(int seed, int jobs, int machines)
    {
        var random = new Random(seed);
        var tasks = new List<PlanningTask>();
        for (int j = 0; j < jobs; j++)
        {
            var order = Enumerable.Range(0, machines).OrderBy(_ => random.Next()).ToArray();
            for (int k = 0; k < machines; k++)
            {
                tasks.Add(new PlanningTask
                {
                    Id = $"j{j}-{k}",
                    RequiredSkills = [$"m{order[k]}"],
                    Duration = random.Next(1, 100),
                    DependsOn = k == 0 ? [] : [$"j{j}-{k - 1}"],
                });
            }
        }

        var agents = Enumerable.Range(0, machines).Select(m => new Agent { Id = $"m{m}", Skills = [$"m{m}"] }).ToList();
        return new PlanningProblem { Name = "random-jsp", Agents = agents, Tasks = tasks };
    }
}
