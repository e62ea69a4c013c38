using QuantumPlanner.Core.Planning;
using QuantumPlanner.OrTools.Lns;
using QuantumPlanner.Solvers.Planning.Exact;
using QuantumPlanner.Solvers.Planning.Greedy;

namespace QuantumPlanner.OrTools.Tests.Conformance;

/// <summary>
/// Re-planning through every backend: a previous plan becomes the baseline, work that has started is pinned, an urgent
/// task arrives and an agent leaves. Every pin must hold, and with changes weighted high the plan moves no more tasks
/// than necessary (exact and CP-SAT, two complete methods, must agree on that number).
/// </summary>
public sealed class ReplanningTests
{
    private const double HighChanges = 1e6;

    public static TheoryData<string, string> ExamplesAndBackends()
    {
        var data = new TheoryData<string, string>();
        foreach (var example in new[] { "ai-agents", "field-service", "ml-pipeline", "software-sprint", "support-tickets" })
        {
            foreach (var backend in new[] { "greedy", "localsearch", "cpsat", AssignmentLnsBackend.BackendName })
            {
                data.Add(example, backend);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ExamplesAndBackends))]
    public void Replan_ExampleAfterUrgentTaskAndLostAgent_KeepsEveryPin(string example, string backend)
    {
        var problem = Replanned(Example(example));
        Assert.Empty(ProblemValidator.Validate(problem));
        if (!PlanningProblems.Supports(backend, problem))
        {
            return; // cpsat-lns takes pure assignment problems only; the others are timed
        }

        var options = new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(2), MaxIterations = 2_000, Seed = 3, Check = true };
        var result = PlanningProblems.Create(backend).Solve(problem, options, CancellationToken.None);

        var scored = PlanScorer.Evaluate(problem, result.Assignments);
        Assert.True(scored.Score.HardViolations == 0, $"{backend} on {example}: {string.Join("; ", scored.Score.Violations.Select(v => v.Message))}");
        BackendConformanceTests.AssertPinsHold(problem, result.Assignments);
        Assert.Contains(result.Assignments, a => a.Task == "urgent");
        var changes = PlanChanges.Between(problem, result.Assignments);
        Assert.Equal(scored.Score.Breakdown.Single(t => t.Term == ObjectiveCatalogue.Changes).Value, changes.Count);
        Assert.All(changes, c => Assert.False(string.IsNullOrWhiteSpace(c.Reason)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Replan_HighChangesWeight_MovesTheMinimumNumberOfTasks(int seed)
    {
        var original = PlanningProblems.Scheduling((ulong)seed) with { Baseline = null };
        var problem = Replanned(original, pinFraction: 0.2) with { Objective = PlanningProblems.EveryTerm with { Changes = HighChanges } };
        Assert.Empty(ProblemValidator.Validate(problem));
        var options = new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(20), MaxIterations = 5_000, Seed = 2, Check = true };

        var exact = new ExactBackend().Solve(problem, options, CancellationToken.None);
        var cpsat = PlanningProblems.Create("cpsat").Solve(problem, options, CancellationToken.None);

        Assert.True(exact.ProvedOptimal && cpsat.ProvedOptimal, $"exact {exact.Status}, cpsat {cpsat.Status}");
        var minimum = PlanChanges.Between(problem, exact.Assignments).Count;
        Assert.Equal(minimum, PlanChanges.Between(problem, cpsat.Assignments).Count);
        foreach (var backend in new[] { "greedy", "localsearch" })
        {
            var moved = PlanChanges.Between(problem, PlanningProblems.Create(backend).Solve(problem, options, CancellationToken.None).Assignments).Count;
            Assert.True(moved >= minimum, $"{backend} moved {moved} tasks, fewer than the proven minimum {minimum}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Replan_NothingChanged_CompleteBackendsKeepTheWholePlan(int seed)
    {
        var problem = PlanningProblems.Scheduling((ulong)seed) with { Baseline = null };
        var plan = new ExactBackend().Solve(problem, new PlanningOptions(), CancellationToken.None).Assignments;
        var baseline = new PlanBaseline { Assignments = plan.Select(a => new BaselineAssignment { Task = a.Task, Agent = a.Agent, Start = a.Start, End = a.End }).ToList() };

        // The weights change (so the old plan is no longer optimal without the changes term), the tasks do not.
        var replanned = problem with { Baseline = baseline, Objective = new ObjectiveWeights { Makespan = 3, Cost = 1, Unassigned = 7, Changes = HighChanges } };

        foreach (var backend in new[] { "exact", "cpsat" })
        {
            var result = PlanningProblems.Create(backend).Solve(replanned, new PlanningOptions { Check = true }, CancellationToken.None);
            Assert.Empty(PlanChanges.Between(replanned, result.Assignments));
        }
    }

    /// <summary>
    /// The re-planning scenario: the problem's greedy plan becomes the baseline, assignments starting in the first
    /// fraction of its makespan are pinned (work that has started), the agent with the least work that can leave
    /// without making the problem infeasible leaves, and an urgent task needing the first task's skills arrives.
    /// </summary>
    internal static PlanningProblem Replanned(PlanningProblem problem, double pinFraction = 0.25)
    {
        var plan = new GreedyBackend().Solve(problem, new PlanningOptions(), CancellationToken.None).Assignments;
        var makespan = plan.Count == 0 ? 0 : plan.Max(a => a.End);
        var urgent = new PlanningTask
        {
            Id = "urgent",
            RequiredSkills = problem.Tasks[0].RequiredSkills,
            Duration = 2,
            Priority = 10,
            Optional = false,
        };

        foreach (var leaving in problem.Agents.OrderBy(a => plan.Count(p => p.Agent == a.Id)).ThenBy(a => a.Id, StringComparer.Ordinal))
        {
            // Every other started assignment is pinned: in a queue where everything starts at 0 not all of it has begun.
            var baseline = plan.Select((a, i) => new BaselineAssignment
            {
                Task = a.Task,
                Agent = a.Agent,
                Start = a.Start,
                End = a.End,
                Pinned = a.Agent != leaving.Id && a.Start < makespan * pinFraction && i % 2 == 0,
            }).ToList();
            var candidate = problem with
            {
                Agents = problem.Agents.Where(a => a.Id != leaving.Id).ToList(),
                Tasks = [.. problem.Tasks.Select(t => Without(t, leaving.Id)), urgent],
                Baseline = new PlanBaseline { Assignments = baseline },
            };
            if (ProblemValidator.Validate(candidate).Count == 0 && Feasible(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No agent of '{problem.Name}' can leave without making it infeasible. Maybe pick another example.");
    }

    /// <summary>The scenario must leave a feasible problem (losing an agent can overload the rest): CP-SAT is the oracle.</summary>
    private static bool Feasible(PlanningProblem problem)
    {
        var result = PlanningProblems.Create("cpsat").Solve(problem, new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(3), Seed = 1 }, CancellationToken.None);
        return result.Assignments.Count > 0 && PlanScorer.Score(problem, result.Assignments).Score.HardViolations == 0;
    }

    internal static PlanningProblem Example(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "examples", $"{name}.json")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var path = Path.Combine(directory.FullName, "examples", $"{name}.json");
        var parsed = PlanningJson.ParseProblem(File.ReadAllText(path), path);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Issues));
        var problem = parsed.Problem!;
        return problem with { Objective = problem.Objective with { Changes = 5 } };
    }

    /// <summary>The task with every mention of <paramref name="agent"/> removed (the validator refuses unknown agents).</summary>
    private static PlanningTask Without(PlanningTask task, string agent) => task with
    {
        DurationByAgent = task.DurationByAgent.Where(kv => kv.Key != agent).ToDictionary(kv => kv.Key, kv => kv.Value),
        CostByAgent = task.CostByAgent.Where(kv => kv.Key != agent).ToDictionary(kv => kv.Key, kv => kv.Value),
        PreferredAgents = task.PreferredAgents.Where(kv => kv.Key != agent).ToDictionary(kv => kv.Key, kv => kv.Value),
    };
}
