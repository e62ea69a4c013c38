using System.Diagnostics;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.Exact;
using QuantumPlanner.Solvers.Planning.Generation;

namespace QuantumPlanner.OrTools.Tests.Conformance;

/// <summary>
/// The suite every planning backend passes (<see cref="PlanningProblems.Backends"/>), judged by the one scorer and
/// checked against exact enumeration: no plan better than exact's optimum, zero hard violations where exact finds a
/// feasible plan, the scorer agreeing with the backend's own objective in check mode, the same plan for the same seed
/// where the backend promises it, pins held, and cancellation honoured.
/// </summary>
public sealed class BackendConformanceTests
{
    private static readonly PlanningOptions Checked = new() { TimeLimit = TimeSpan.FromSeconds(30), MaxIterations = 3_000, Seed = 5, Check = true };

    public static TheoryData<string> Backends() => [.. PlanningProblems.Backends];

    /// <summary>Every backend promises the same plan for the same seed (and move budget; CP-SAT with one worker).</summary>
    public static TheoryData<string> Reproducible() => [.. PlanningProblems.Backends];

    [Theory]
    [MemberData(nameof(Backends))]
    public void Solve_SeededTinyProblems_NeverBeatsExactAndIsFeasibleWhereExactIs(string backend)
    {
        var solved = 0;
        foreach (var problem in PlanningProblems.Tiny().Where(p => PlanningProblems.Supports(backend, p)))
        {
            Assert.Empty(ProblemValidator.Validate(problem));
            var exact = new ExactBackend().Solve(problem, Checked, CancellationToken.None);
            Assert.True(exact.ProvedOptimal, $"{problem.Name}: exact {exact.Status}");
            var optimum = PlanScorer.Score(problem, exact.Assignments).Score;

            var result = PlanningProblems.Create(backend).Solve(problem, Checked, CancellationToken.None);

            var score = PlanScorer.Score(problem, result.Assignments).Score;
            Assert.True(score.HardViolations == 0, $"{backend} on {problem.Name}: {string.Join("; ", score.Violations.Select(v => v.Message))}");
            Assert.True(score.Objective >= optimum.Objective - 1e-6, $"{backend} on {problem.Name}: {score.Objective} beats exact's optimum {optimum.Objective}");
            if (result.ProvedOptimal)
            {
                Assert.Equal(optimum.Objective, score.Objective, 6);
            }

            AssertPinsHold(problem, result.Assignments);
            solved++;
        }

        Assert.True(solved >= 4, $"{backend} ran on {solved} problems only");
    }

    [Fact]
    public void CpSat_SeededTinyProblems_ProvesExactsOptimum()
    {
        foreach (var problem in PlanningProblems.Tiny())
        {
            var exact = PlanScorer.Score(problem, new ExactBackend().Solve(problem, Checked, CancellationToken.None).Assignments).Score.Objective;

            var cpsat = PlanningProblems.Create("cpsat").Solve(problem, Checked, CancellationToken.None);

            Assert.True(cpsat.ProvedOptimal, $"{problem.Name}: {cpsat.Status}");
            var found = PlanScorer.Score(problem, cpsat.Assignments).Score;
            Assert.True(Math.Abs(exact - found.Objective) < 1e-6, $"{problem.Name}: cpsat proved {found.Objective}, exact {exact}; cpsat's plan {string.Join(", ", cpsat.Assignments)}, terms {string.Join(", ", found.Breakdown)}");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Solve_CheckModeOnRandomProblemsWithEveryTermWeighted_ScorerAgrees(string backend)
    {
        // Larger than the tiny set (exact refuses these and says so), soft deadlines so tardiness counts.
        for (ulong seed = 11; seed <= 14; seed++)
        {
            var generated = ProblemGenerator.Generate(new GeneratorOptions { Agents = 4, Tasks = 12, Dependencies = 0.3, Resources = 1, TimeWindows = seed % 2 == 0, Seed = seed });
            var problem = generated with { Objective = PlanningProblems.EveryTerm, HardDeadlines = false };
            if (!PlanningProblems.Supports(backend, problem))
            {
                problem = PlanningProblems.Assignment(seed);
            }

            // Throws ObjectiveCheckException, naming the term and both values, on the first disagreement.
            var result = PlanningProblems.Create(backend).Solve(problem, Checked with { TimeLimit = TimeSpan.FromSeconds(2) }, CancellationToken.None);

            Assert.True(result.Assignments.Count > 0 || result.Status.StartsWith("refused", StringComparison.Ordinal), $"{backend}: {result.Status}");
        }
    }

    [Theory]
    [MemberData(nameof(Reproducible))]
    public void Solve_SameSeed_ReturnsTheSamePlan(string backend)
    {
        foreach (var problem in PlanningProblems.Tiny().Where(p => PlanningProblems.Supports(backend, p)).Take(4))
        {
            var options = Checked with { Check = false, Seed = 9 };

            var first = PlanningProblems.Create(backend).Solve(problem, options, CancellationToken.None);
            var second = PlanningProblems.Create(backend).Solve(problem, options, CancellationToken.None);

            Assert.Equal(Sorted(first.Assignments), Sorted(second.Assignments));
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Solve_CancelledAtTheFirstImprovement_StopsLongBeforeTheLimit(string backend)
    {
        var generated = ProblemGenerator.Generate(new GeneratorOptions { Agents = 8, Tasks = 60, Dependencies = 0.3, Resources = 2, Seed = 3 });
        var problem = PlanningProblems.Supports(backend, generated) ? generated : GapLike(60, 8);
        using var cts = new CancellationTokenSource();
        var limit = TimeSpan.FromSeconds(120);
        var options = new PlanningOptions { TimeLimit = limit, Seed = 1, OnProgress = _ => cts.Cancel() };
        var watch = Stopwatch.StartNew();

        try
        {
            PlanningProblems.Create(backend).Solve(problem, options, cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Throwing on cancellation is honouring it too.
        }

        // Not a speed target: a backend that ignored the token would run the whole two minutes (or until exhausted).
        Assert.True(watch.Elapsed < limit / 4, $"{backend} ran {watch.Elapsed} after being cancelled");
    }

    internal static void AssertPinsHold(PlanningProblem problem, IReadOnlyList<Assignment> plan)
    {
        foreach (var pin in problem.Baseline?.Assignments.Where(b => b.Pinned) ?? [])
        {
            var placed = Assert.Single(plan, a => a.Task == pin.Task);
            Assert.Equal((pin.Agent, pin.Start), (placed.Agent, placed.Start));
        }
    }

    private static List<Assignment> Sorted(IReadOnlyList<Assignment> plan) => [.. plan.OrderBy(a => a.Task, StringComparer.Ordinal)];

    private static PlanningProblem GapLike(int tasks, int agents)
    {
        var random = new Random(4);
        var list = Enumerable.Range(0, agents).Select(a => new Agent { Id = $"a{a}", Capacity = tasks, MaxWorkload = 3 * tasks / agents }).ToList();
        return new PlanningProblem
        {
            Agents = list,
            Tasks = Enumerable.Range(0, tasks).Select(t => new PlanningTask
            {
                Id = $"j{t}",
                DurationByAgent = list.ToDictionary(a => a.Id, _ => 1 + random.Next(4)),
                CostByAgent = list.ToDictionary(a => a.Id, _ => (double)random.Next(1, 50)),
            }).ToList(),
            Objective = new ObjectiveWeights { Makespan = 0, Cost = 1 },
        };
    }
}
