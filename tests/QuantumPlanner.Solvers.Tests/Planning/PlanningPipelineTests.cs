using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning;
using QuantumPlanner.Solvers.Planning.Generation;
using QuantumPlanner.Solvers.Planning.Greedy;

namespace QuantumPlanner.Solvers.Tests.Planning;

public class PlanningPipelineTests
{
    private static readonly PlanningOptions Quick = new() { TimeLimit = TimeSpan.FromSeconds(20), MaxIterations = 2_000 };

    [Fact]
    public void Solve_Auto_TriesGreedyThenLocalSearchAndNamesTheStrategy()
    {
        var problem = ProblemGenerator.Generate(new GeneratorOptions { Agents = 6, Tasks = 30, Resources = 1, Seed = 2 });

        var plan = new PlanningPipeline().Solve(problem, "auto", Quick, CancellationToken.None);

        Assert.Equal("feasible", plan.Status);
        Assert.Equal(["greedy", "localsearch/late-acceptance"], plan.BackendsTried.Select(b => b.Backend));
        Assert.All(plan.BackendsTried, b => Assert.NotNull(b.Objective));
        Assert.Equal(plan.BackendsTried.Min(b => b.Objective!.Value), plan.Score.Objective, 9);
        Assert.Equal(problem.Tasks.Count, plan.Assignments.Count + plan.Unassigned.Count);
        Assert.True(plan.Timing.TotalMs >= plan.Timing.SolveMs);
    }

    [Fact]
    public void Solve_AutoOnTinyProblem_ProvesOptimalWithZeroGap()
    {
        var problem = PlanningBackendTests.Tiny(2);

        var plan = new PlanningPipeline().Solve(problem, "auto", Quick, CancellationToken.None);

        Assert.Equal("optimal", plan.Status);
        Assert.Contains(plan.BackendsTried, b => b.Backend == "exact");
        Assert.Equal(plan.Score.Objective, plan.Bound!.Value, 9);
        Assert.Equal(0, plan.Gap!.Value, 9);
    }

    [Fact]
    public void Solve_BackendWithBound_ReportsGap()
    {
        var problem = ProblemGenerator.Generate(new GeneratorOptions { Agents = 4, Tasks = 20, Seed = 4 });
        var bounded = new HalfBoundBackend();

        var plan = new PlanningPipeline(PlanningBackendSet.BuiltIn() with { Others = [bounded] }).Solve(problem, "half-bound", Quick, CancellationToken.None);

        var expectedGap = (plan.Score.Objective - bounded.LastBound) / Math.Abs(plan.Score.Objective);
        Assert.Equal(bounded.LastBound, plan.Bound!.Value, 9);
        Assert.Equal(expectedGap, plan.Gap!.Value, 9);
        Assert.Equal("feasible", plan.Status);
    }

    [Fact]
    public void Solve_InfeasibleGeneratedProblem_ReportsViolations()
    {
        var problem = ProblemGenerator.Generate(new GeneratorOptions { Agents = 3, Tasks = 8, Seed = 1, Infeasible = true });
        Assert.Empty(ProblemValidator.Validate(problem));

        var plan = new PlanningPipeline().Solve(problem, "auto", Quick, CancellationToken.None);

        Assert.Equal("infeasible", plan.Status);
        Assert.Contains(plan.Score.Violations, v => v.Constraint == "deadline" && v.Task is "audit-a" or "audit-b");
    }

    [Fact]
    public void Solve_InvalidProblem_ThrowsWithEveryIssue()
    {
        var problem = new PlanningProblem { Tasks = [new PlanningTask { Id = "a", DependsOn = ["b"] }, new PlanningTask { Id = "a", Duration = -1 }] };

        var ex = Assert.Throws<InvalidProblemException>(() => new PlanningPipeline().Solve(problem, "auto", Quick, CancellationToken.None));

        Assert.True(ex.Issues.Count >= 3);
    }

    [Fact]
    public void Solve_UnknownBackend_ThrowsNamingTheChoices()
    {
        var problem = PlanningBackendTests.Tiny(1);

        var ex = Assert.Throws<ArgumentException>(() => new PlanningPipeline().Solve(problem, "quantum-magic", Quick, CancellationToken.None));

        Assert.Contains("localsearch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backends_ListsBuiltInsAndRegisteredOnes()
    {
        var names = new PlanningPipeline(PlanningBackendSet.BuiltIn() with { Others = [new HalfBoundBackend()] }).Backends().Select(b => b.Name).ToList();

        Assert.Equal(["auto", "greedy", "localsearch", "exact", "half-bound"], names);
    }

    [Fact]
    public void Constructor_TwoBackendsWithOneName_ThrowsNamingIt()
    {
        var set = PlanningBackendSet.BuiltIn() with { Others = [new GreedyBackend()] };

        var ex = Assert.Throws<ArgumentException>(() => new PlanningPipeline(set));

        Assert.Contains("'greedy'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_RunsTheComposedBackendsByRole()
    {
        var problem = ProblemGenerator.Generate(new GeneratorOptions { Agents = 4, Tasks = 20, Seed = 4 });
        var complete = new HalfBoundBackend();

        var plan = new PlanningPipeline(PlanningBackendSet.BuiltIn() with { Complete = complete }).Solve(problem, "auto", Quick, CancellationToken.None);

        Assert.Equal(["greedy", "localsearch/late-acceptance", "half-bound"], plan.BackendsTried.Select(b => b.Backend));
        Assert.Equal(complete.LastBound, plan.Bound!.Value, 9);
    }

    [Fact]
    public void Generate_SameSeed_SameProblem()
    {
        var options = new GeneratorOptions { Agents = 7, Tasks = 30, TimeWindows = true, Resources = 2, Seed = 12 };

        Assert.Equal(PlanningJson.Serialize(ProblemGenerator.Generate(options)), PlanningJson.Serialize(ProblemGenerator.Generate(options)));
        Assert.NotEqual(PlanningJson.Serialize(ProblemGenerator.Generate(options)), PlanningJson.Serialize(ProblemGenerator.Generate(options with { Seed = 13 })));
    }

    [Fact]
    public void Generate_BusyResourceWithShifts_IsValidAndGreedyFeasible()
    {
        // One shared resource used by ~30% of 800 tasks keeps work going past the first batch of shifts (the generator must add more).
        var problem = ProblemGenerator.Generate(new GeneratorOptions { Agents = 100, Tasks = 800, Resources = 1, TimeWindows = true, Seed = 1 });

        Assert.Empty(ProblemValidator.Validate(problem));
        Assert.True(problem.Agents[0].Availability.Count > 4 + (4 * 800 / 100) + 40, "the first batch of shifts sufficed, so this no longer tests the top-up");
        var plan = new PlanningPipeline().Solve(problem, "greedy", Quick, CancellationToken.None);
        Assert.Equal("feasible", plan.Status);
    }

    /// <summary>Greedy's plan reported with a bound at half its objective: enough to check how the pipeline turns a bound into a gap.</summary>
    private sealed class HalfBoundBackend : IPlanningBackend
    {
        public double LastBound { get; private set; }

        public string Name => "half-bound";

        public bool IsAvailable(out string? reason)
        {
            reason = null;
            return true;
        }

        public BackendResult Solve(PlanningProblem problem, PlanningOptions options, CancellationToken cancellationToken)
        {
            var result = new GreedyBackend().Solve(problem, options, cancellationToken);
            LastBound = PlanScorer.Score(problem, result.Assignments).Score.Objective / 2;
            return result with { Bound = LastBound };
        }
    }
}
