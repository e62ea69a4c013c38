using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.Exact;

namespace QuantumPlanner.Solvers.Tests.Planning;

public class ExactOptimalityTests
{
    /// <summary>
    /// Exact enumerates orders and agents through the schedule generator; this checks the claim that nothing better
    /// exists by scoring every agent and start time (0..7) for every task of small random problems.
    /// </summary>
    [Fact]
    public void Exact_SmallProblems_MatchesEnumerationOfEveryStartTime()
    {
        var random = new Random(5);
        var compared = 0;
        for (var round = 0; round < 6; round++)
        {
            var problem = RandomProblem(random);
            if (ProblemValidator.Validate(problem).Count > 0)
            {
                continue;
            }

            var exact = new ExactBackend().Solve(problem, new PlanningOptions(), CancellationToken.None);
            var exactScore = PlanScorer.Score(problem, exact.Assignments).Score;
            var best = BestOverAllStarts(problem);

            if (best is null)
            {
                Assert.True(exactScore.HardViolations > 0, $"round {round}: exact found a feasible plan the full enumeration missed");
                continue;
            }

            Assert.Equal(0, exactScore.HardViolations);
            Assert.Equal(best.Value, exactScore.Objective, 9);
            compared++;
        }

        Assert.True(compared >= 3, $"only {compared} random problems were valid and feasible");
    }

    private static double? BestOverAllStarts(PlanningProblem problem)
    {
        var n = problem.Tasks.Count;
        var choices = new List<(string? Agent, int Start)?>();
        foreach (var agent in problem.Agents)
        {
            for (var s = 0; s < 8; s++)
            {
                choices.Add((agent.Id, s));
            }
        }

        var perTask = problem.Tasks.Select(t => t.Optional ? choices.Append(null).ToList() : choices).ToList();
        double? best = null;
        var index = new int[n];
        while (true)
        {
            var plan = new List<Assignment>();
            for (var t = 0; t < n; t++)
            {
                if (perTask[t][index[t]] is { } c)
                {
                    var task = problem.Tasks[t];
                    plan.Add(new Assignment(task.Id, c.Agent, c.Start, c.Start + task.DurationOn(c.Agent)));
                }
            }

            var score = PlanScorer.Score(problem, plan).Score;
            if (score.HardViolations == 0 && (best is null || score.Objective < best.Value))
            {
                best = score.Objective;
            }

            var k = 0;
            while (k < n && ++index[k] == perTask[k].Count)
            {
                index[k++] = 0;
            }

            if (k == n)
            {
                return best;
            }
        }
    }

    private static PlanningProblem RandomProblem(Random random)
    {
        var agents = new List<Agent>
        {
            new() { Id = "a", Skills = ["x", "y"], CostPerUnit = random.Next(4), Availability = random.Next(2) == 0 ? [new TimeWindow(0, 4), new TimeWindow(5, 10)] : [] },
            new() { Id = "b", Skills = ["x"], CostPerUnit = random.Next(4), MaxWorkload = random.Next(2) == 0 ? 5 : null },
        };
        var tasks = new List<PlanningTask>();
        for (var t = 0; t < 3; t++)
        {
            tasks.Add(new PlanningTask
            {
                Id = $"t{t}",
                RequiredSkills = random.Next(4) == 0 ? ["y"] : ["x"],
                Duration = 1 + random.Next(3),
                DurationByAgent = random.Next(3) == 0 ? new Dictionary<string, int> { ["b"] = 1 + random.Next(4) } : new Dictionary<string, int>(),
                Priority = random.Next(4),
                EarliestStart = random.Next(3) == 0 ? random.Next(3) : 0,
                Deadline = random.Next(3) == 0 ? 5 + random.Next(4) : null,
                DependsOn = t > 0 && random.Next(2) == 0 ? [$"t{random.Next(t)}"] : [],
                Resources = random.Next(2) == 0 ? new Dictionary<string, int> { ["r"] = 1 } : new Dictionary<string, int>(),
                Optional = random.Next(4) == 0,
                PreferredAgents = random.Next(3) == 0 ? new Dictionary<string, double> { ["b"] = 2 } : new Dictionary<string, double>(),
            });
        }

        return new PlanningProblem
        {
            Horizon = 12,
            Agents = agents,
            Resources = [new Resource { Id = "r", Capacity = 1 }],
            Tasks = tasks,
            Objective = new ObjectiveWeights { Makespan = random.Next(3), Cost = random.Next(2), LoadBalance = random.Next(2), Priority = random.Next(2), Preferences = random.Next(2), Unassigned = 10 },
        };
    }
}
