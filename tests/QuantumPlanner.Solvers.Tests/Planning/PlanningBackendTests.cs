using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.Exact;
using QuantumPlanner.Solvers.Planning.Generation;
using QuantumPlanner.Solvers.Planning.Greedy;
using QuantumPlanner.Solvers.Planning.LocalSearch;

namespace QuantumPlanner.Solvers.Tests.Planning;

/// <summary>
/// Behaviour specific to the schedule-generation backends (greedy, local search, exact). The conformance suite that
/// every planning backend passes, CP-SAT ones included, is tests/QuantumPlanner.OrTools.Tests/Conformance.
/// </summary>
public class PlanningBackendTests
{
    private static readonly PlanningOptions Quick = new() { TimeLimit = TimeSpan.FromSeconds(20), MaxIterations = 2_000, Seed = 7 };

    public static TheoryData<string> Backends() => ["greedy", "localsearch"];

    public static IEnumerable<GeneratorOptions> FeasibleShapes()
    {
        for (ulong seed = 1; seed <= 4; seed++)
        {
            yield return new GeneratorOptions { Agents = 4, Tasks = 12, Seed = seed };
            yield return new GeneratorOptions { Agents = 3, Tasks = 15, Dependencies = 0.6, Resources = 2, Seed = seed };
            yield return new GeneratorOptions { Agents = 5, Tasks = 14, TimeWindows = true, Resources = 1, Seed = seed };
        }

        yield return new GeneratorOptions { Agents = 20, Tasks = 40, Dependencies = 0.4, TimeWindows = true, Resources = 2, Seed = 9 };
    }

    private static IPlanningBackend Create(string name) => name switch
    {
        "greedy" => new GreedyBackend(),
        "localsearch" => new LocalSearchBackend(),
        _ => new ExactBackend(),
    };

    [Theory]
    [MemberData(nameof(Backends))]
    public void Solve_GeneratedFeasibleProblems_HasNoHardViolations(string backend)
    {
        foreach (var shape in FeasibleShapes())
        {
            var problem = ProblemGenerator.Generate(shape);
            Assert.Empty(ProblemValidator.Validate(problem));

            var result = Create(backend).Solve(problem, Quick, CancellationToken.None);

            var (score, _) = PlanScorer.Score(problem, result.Assignments);
            Assert.True(score.HardViolations == 0, $"{backend} on {problem.Name}: {string.Join("; ", score.Violations.Take(3).Select(v => v.Message))}");
        }
    }

    [Fact]
    public void Exact_TinyProblems_IsFeasibleAndNoWorseThanHeuristics()
    {
        for (ulong seed = 1; seed <= 6; seed++)
        {
            var problem = Tiny(seed);
            Assert.Empty(ProblemValidator.Validate(problem));

            var exact = new ExactBackend().Solve(problem, Quick, CancellationToken.None);
            var exactScore = PlanScorer.Score(problem, exact.Assignments).Score;

            Assert.True(exact.ProvedOptimal, exact.Status);
            Assert.Equal(0, exactScore.HardViolations);
            Assert.Equal(exactScore.Objective, exact.Bound!.Value, 9);
            foreach (var name in new[] { "greedy", "localsearch" })
            {
                var other = PlanScorer.Score(problem, Create(name).Solve(problem, Quick, CancellationToken.None).Assignments).Score;
                Assert.Equal(0, other.HardViolations);
                Assert.True(other.Objective >= exactScore.Objective - 1e-9, $"seed {seed}: {name} {other.Objective} beat exact {exactScore.Objective}");
            }
        }
    }

    [Fact]
    public void LocalSearch_TinyProblems_ReachesTheExactOptimum()
    {
        var hits = 0;
        for (ulong seed = 1; seed <= 6; seed++)
        {
            var problem = Tiny(seed);
            var exact = PlanScorer.Score(problem, new ExactBackend().Solve(problem, Quick, CancellationToken.None).Assignments).Score.Objective;
            var local = PlanScorer.Score(problem, new LocalSearchBackend().Solve(problem, Quick with { MaxIterations = 20_000 }, CancellationToken.None).Assignments).Score.Objective;
            hits += Math.Abs(local - exact) < 1e-9 ? 1 : 0;
        }

        Assert.True(hits >= 4, $"local search matched the optimum on {hits} of 6 tiny problems");
    }

    [Fact]
    public void LocalSearch_SameSeed_ReturnsSamePlan()
    {
        var problem = ProblemGenerator.Generate(new GeneratorOptions { Agents = 6, Tasks = 25, Resources = 1, Seed = 3 });
        var options = Quick with { Seed = 42, MaxIterations = 3_000 };

        var first = new LocalSearchBackend().Solve(problem, options, CancellationToken.None);
        var second = new LocalSearchBackend().Solve(problem, options, CancellationToken.None);

        Assert.Equal(first.Assignments, second.Assignments);
    }

    [Fact]
    public void LocalSearch_WarmStart_IsNeverWorseThanItsStart()
    {
        var problem = ProblemGenerator.Generate(new GeneratorOptions { Agents = 5, Tasks = 20, Dependencies = 0.5, Seed = 5 });
        var greedy = new GreedyBackend().Solve(problem, Quick, CancellationToken.None);

        var local = new LocalSearchBackend().Solve(problem, Quick with { InitialAssignments = greedy.Assignments }, CancellationToken.None);

        var before = PlanScorer.Score(problem, greedy.Assignments).Score.Objective;
        var after = PlanScorer.Score(problem, local.Assignments).Score;
        Assert.Equal(0, after.HardViolations);
        Assert.True(after.Objective <= before + 1e-9, $"{after.Objective} > {before}");
    }

    [Fact]
    public void Exact_LargeProblem_RefusesWithMessage()
    {
        var problem = ProblemGenerator.Generate(new GeneratorOptions { Agents = 3, Tasks = 30, Seed = 1 });

        var result = new ExactBackend().Solve(problem, Quick, CancellationToken.None);

        Assert.Empty(result.Assignments);
        Assert.StartsWith("refused", result.Status, StringComparison.Ordinal);
        Assert.Contains("Maybe", result.Status, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("greedy")]
    [InlineData("localsearch")]
    [InlineData("exact")]
    public void Solve_NoAgents_RespectsResourcesAndDependencies(string backend)
    {
        var problem = new PlanningProblem
        {
            Resources = [new Resource { Id = "crane", Capacity = 2 }, new Resource { Id = "crew", Capacity = 3 }],
            Tasks =
            [
                new PlanningTask { Id = "dig", Duration = 3, Resources = new Dictionary<string, int> { ["crane"] = 2 } },
                new PlanningTask { Id = "pour", Duration = 2, DependsOn = ["dig"], Resources = new Dictionary<string, int> { ["crew"] = 2 } },
                new PlanningTask { Id = "frame", Duration = 4, Resources = new Dictionary<string, int> { ["crane"] = 1, ["crew"] = 2 } },
                new PlanningTask { Id = "roof", Duration = 2, DependsOn = ["frame", "pour"], Resources = new Dictionary<string, int> { ["crane"] = 1 } },
                new PlanningTask { Id = "paint", Duration = 3, Resources = new Dictionary<string, int> { ["crew"] = 1 } },
            ],
        };

        var result = Create(backend).Solve(problem, Quick, CancellationToken.None);

        var (score, metrics) = PlanScorer.Score(problem, result.Assignments);
        Assert.Equal(0, score.HardViolations);
        Assert.All(result.Assignments, a => Assert.Null(a.Agent));
        Assert.True(metrics.Makespan >= 7, "dig → pour → roof takes at least 7");
    }

    /// <summary>Six tasks, two or three agents: small enough to enumerate.</summary>
    internal static PlanningProblem Tiny(ulong seed)
    {
        var generated = ProblemGenerator.Generate(new GeneratorOptions { Agents = 2 + (int)(seed % 2), Tasks = 5, Dependencies = 0.4, Resources = (int)(seed % 2), TimeWindows = seed % 3 == 0, Seed = seed });
        return generated with
        {
            Objective = new ObjectiveWeights { Makespan = 1, Cost = 0.01, LoadBalance = 0.5, Priority = 0.2, Preferences = 1, Unassigned = 30 },
        };
    }
}
