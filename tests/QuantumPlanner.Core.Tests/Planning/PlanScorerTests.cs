using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Core.Tests.Planning;

public class PlanScorerTests
{
    [Fact]
    public void Score_RandomSmallPlans_AgreesWithBruteForce()
    {
        var random = new Random(11);
        for (var round = 0; round < 400; round++)
        {
            var problem = RandomProblem(random);
            var plan = RandomPlan(problem, random);

            var (score, metrics) = PlanScorer.Score(problem, plan);
            var expected = BruteForce(problem, plan);

            foreach (var term in score.Breakdown)
            {
                Assert.True(Math.Abs(expected.Terms[term.Term] - term.Value) < 1e-9, $"round {round}: {term.Term} is {term.Value}, brute force {expected.Terms[term.Term]}");
            }

            var weighted = score.Breakdown.Sum(t => t.Weight * expected.Terms[t.Term]);
            Assert.Equal(weighted, score.Objective, 9);
            Assert.Equal(ObjectiveCatalogue.Names, score.Breakdown.Select(t => t.Term));
            Assert.Equal((int)expected.Terms["makespan"], metrics.Makespan);
            var found = score.Violations.Select(v => Key(v.Constraint, v.Task, v.Agent)).ToHashSet();
            Assert.True(expected.Violations.SetEquals(found), $"round {round}: scorer [{string.Join(", ", found.Order())}] vs brute force [{string.Join(", ", expected.Violations.Order())}]");
        }
    }

    [Fact]
    public void Score_FeasiblePlan_HasNoViolationsAndExpectedTerms()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "a", Skills = ["x"], CostPerUnit = 10 }, new Agent { Id = "b", Skills = ["x"], CostPerUnit = 1 }],
            Tasks =
            [
                new PlanningTask { Id = "t1", RequiredSkills = ["x"], Duration = 2, Priority = 3, PreferredAgents = new Dictionary<string, double> { ["a"] = 4 } },
                new PlanningTask { Id = "t2", Duration = 3, DependsOn = ["t1"], CostByAgent = new Dictionary<string, double> { ["b"] = 7 }, Deadline = 4 },
                new PlanningTask { Id = "t3", Duration = 1, Optional = true },
            ],
            HardDeadlines = false,
            Objective = new ObjectiveWeights { Makespan = 1, Cost = 1, Tardiness = 2, LoadBalance = 1, Priority = 1, Preferences = 1, Unassigned = 5 },
        };
        Assignment[] plan = [new("t1", "a", 0, 2), new("t2", "b", 2, 5)];

        var scored = PlanScorer.Evaluate(problem, plan);

        Assert.Empty(scored.Score.Violations);
        Assert.Equal(["t3"], scored.Unassigned);
        var terms = scored.Score.Breakdown.ToDictionary(t => t.Term, t => t.Value);
        Assert.Equal(5, terms["makespan"]);
        Assert.Equal(20 + 7, terms["cost"]);
        Assert.Equal(1, terms["tardiness"]);
        Assert.Equal(1, terms["loadBalance"]);
        Assert.Equal((3 * 2) + (1 * 5), terms["priority"]);
        Assert.Equal(-4, terms["preferences"]);
        Assert.Equal(1, terms["unassigned"]);
        Assert.Equal(5 + 27 + 2 + 1 + 11 - 4 + 5, scored.Score.Objective);
    }

    [Fact]
    public void Score_OverlapOnSingleCapacityAgent_ReportsCapacityWithAmount()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "a" }],
            Tasks = [new PlanningTask { Id = "t1", Duration = 3 }, new PlanningTask { Id = "t2", Duration = 3 }],
        };

        var (score, _) = PlanScorer.Score(problem, [new("t1", "a", 0, 3), new("t2", "a", 1, 4)]);

        var v = Assert.Single(score.Violations);
        Assert.Equal(("agent-capacity", "t2", "a", 1.0), (v.Constraint, v.Task, v.Agent, v.Amount));
    }

    [Fact]
    public void Score_MissingRequiredTask_IsHardViolation()
    {
        var problem = new PlanningProblem { Tasks = [new PlanningTask { Id = "t1" }, new PlanningTask { Id = "t2", Optional = true }] };

        var (score, _) = PlanScorer.Score(problem, []);

        Assert.Equal("missing-task", Assert.Single(score.Violations).Constraint);
        Assert.Equal(1, score.HardViolations);
    }

    private static string Key(string constraint, string? task, string? agent) => constraint switch
    {
        "agent-capacity" or "resource-capacity" => constraint,
        "max-workload" => $"{constraint}/{agent}",
        _ => $"{constraint}/{task}",
    };

    private static PlanningProblem RandomProblem(Random random)
    {
        string[] skills = ["x", "y"];
        var agents = new List<Agent>();
        for (var a = 0; a < 3; a++)
        {
            agents.Add(new Agent
            {
                Id = $"a{a}",
                Skills = skills.Where(_ => random.Next(3) > 0).ToList(),
                Capacity = 1 + random.Next(2),
                CostPerUnit = random.Next(5),
                Availability = a == 0 ? [new TimeWindow(0, 6), new TimeWindow(8, 20)] : [],
                MaxWorkload = random.Next(3) == 0 ? 4 + random.Next(6) : null,
            });
        }

        var tasks = new List<PlanningTask>();
        for (var t = 0; t < 6; t++)
        {
            var byAgent = new Dictionary<string, int>();
            var costBy = new Dictionary<string, double>();
            var preferred = new Dictionary<string, double>();
            if (random.Next(3) == 0)
            {
                byAgent[$"a{random.Next(3)}"] = 1 + random.Next(5);
            }

            if (random.Next(3) == 0)
            {
                costBy[$"a{random.Next(3)}"] = random.Next(20);
            }

            if (random.Next(3) == 0)
            {
                preferred[$"a{random.Next(3)}"] = 1 + random.Next(3);
            }

            tasks.Add(new PlanningTask
            {
                Id = $"t{t}",
                RequiredSkills = skills.Where(_ => random.Next(3) == 0).ToList(),
                Duration = 1 + random.Next(4),
                DurationByAgent = byAgent,
                CostByAgent = costBy,
                Priority = random.Next(4),
                EarliestStart = random.Next(4) == 0 ? random.Next(5) : 0,
                Deadline = random.Next(2) == 0 ? 3 + random.Next(10) : null,
                DependsOn = t > 0 && random.Next(2) == 0 ? [$"t{random.Next(t)}"] : [],
                Resources = random.Next(2) == 0 ? new Dictionary<string, int> { ["r"] = 1 + random.Next(2) } : new Dictionary<string, int>(),
                Optional = random.Next(4) == 0,
                PreferredAgents = preferred,
            });
        }

        // A baseline over some tasks (one of them possibly gone from the problem), a third of it pinned.
        var baseline = new List<BaselineAssignment>();
        foreach (var t in tasks.Where(_ => random.Next(2) == 0).Select(t => t.Id).Append("gone"))
        {
            baseline.Add(new BaselineAssignment { Task = t, Agent = $"a{random.Next(3)}", Start = random.Next(13), Pinned = random.Next(3) == 0 });
        }

        return new PlanningProblem
        {
            Horizon = 15,
            Agents = agents,
            Resources = [new Resource { Id = "r", Capacity = 2 }],
            Tasks = tasks,
            HardDeadlines = random.Next(2) == 0,
            Objective = new ObjectiveWeights { Makespan = random.Next(3), Cost = random.NextDouble(), Tardiness = random.Next(3), LoadBalance = random.NextDouble(), Priority = random.NextDouble(), Preferences = random.Next(3), Unassigned = random.Next(50), Changes = random.Next(4) },
            Baseline = random.Next(4) == 0 ? null : new PlanBaseline { Assignments = baseline },
        };
    }

    private static List<Assignment> RandomPlan(PlanningProblem problem, Random random)
    {
        var plan = new List<Assignment>();
        foreach (var task in problem.Tasks)
        {
            if (random.Next(7) == 0)
            {
                continue;
            }

            var agent = problem.Agents[random.Next(problem.Agents.Count)].Id;
            var start = random.Next(13);
            var length = task.DurationByAgent.TryGetValue(agent, out var d) ? d : task.Duration;
            plan.Add(new Assignment(task.Id, agent, start, start + length + (random.Next(10) == 0 ? 1 : 0)));
        }

        return plan;
    }

    /// <summary>Recomputes every term and violation by walking time unit by unit, independently of the scorer.</summary>
    private static (Dictionary<string, double> Terms, HashSet<string> Violations) BruteForce(PlanningProblem p, List<Assignment> plan)
    {
        var v = new HashSet<string>();
        var taskOf = p.Tasks.ToDictionary(t => t.Id);
        var agentOf = p.Agents.ToDictionary(a => a.Id);
        var byTask = plan.ToDictionary(a => a.Task);
        double makespan = plan.Count == 0 ? 0 : plan.Max(a => a.End);
        double cost = 0, tardiness = 0, priority = 0, preferences = 0;
        var workload = p.Agents.ToDictionary(a => a.Id, _ => 0);
        foreach (var a in plan)
        {
            var task = taskOf[a.Task];
            var agent = agentOf[a.Agent!];
            var duration = task.DurationByAgent.GetValueOrDefault(agent.Id, task.Duration);
            cost += task.CostByAgent.TryGetValue(agent.Id, out var c) ? c : duration * agent.CostPerUnit;
            var late = task.Deadline is { } dl ? Math.Max(0, a.End - dl) : 0;
            tardiness += late;
            priority += task.Priority * a.End;
            preferences -= task.PreferredAgents.GetValueOrDefault(agent.Id);
            workload[agent.Id] += a.End - a.Start;
            if (a.End - a.Start != duration)
            {
                v.Add($"duration/{a.Task}");
            }

            if (!task.RequiredSkills.All(agent.Skills.Contains))
            {
                v.Add($"skill/{a.Task}");
            }

            // The test's windows have gaps between them, so "inside one window" is "every unit inside some window".
            if (agent.Availability.Count > 0 && Enumerable.Range(a.Start, Math.Max(0, a.End - a.Start)).Any(t => !agent.Availability.Any(w => w.Start <= t && t < w.End)))
            {
                v.Add($"availability/{a.Task}");
            }

            if (a.Start < task.EarliestStart)
            {
                v.Add($"earliest-start/{a.Task}");
            }

            if (task.DependsOn.Any(d => !byTask.TryGetValue(d, out var dep) || dep.End > a.Start))
            {
                v.Add($"precedence/{a.Task}");
            }

            if (p.HardDeadlines && late > 0)
            {
                v.Add($"deadline/{a.Task}");
            }

            if (a.End > p.Horizon)
            {
                v.Add($"horizon/{a.Task}");
            }
        }

        foreach (var t in p.Tasks.Where(t => !t.Optional && !byTask.ContainsKey(t.Id)))
        {
            v.Add($"missing-task/{t.Id}");
        }

        foreach (var a in p.Agents.Where(a => a.MaxWorkload is { } m && workload[a.Id] > m))
        {
            v.Add($"max-workload/{a.Id}");
        }

        for (var time = 0; time < makespan; time++)
        {
            var running = plan.Where(a => a.Start <= time && time < a.End).ToList();
            if (p.Agents.Any(agent => running.Count(a => a.Agent == agent.Id) > agent.Capacity))
            {
                v.Add("agent-capacity");
            }

            if (running.Sum(a => taskOf[a.Task].Resources.GetValueOrDefault("r")) > p.Resources[0].Capacity)
            {
                v.Add("resource-capacity");
            }
        }

        var changes = 0;
        foreach (var held in p.Baseline?.Assignments ?? [])
        {
            if (taskOf.ContainsKey(held.Task) && !(byTask.TryGetValue(held.Task, out var now) && now.Agent == held.Agent && now.Start == held.Start))
            {
                changes++;
                if (held.Pinned)
                {
                    v.Add($"pinned/{held.Task}");
                }
            }
        }

        var terms = new Dictionary<string, double>
        {
            ["changes"] = changes,
            ["makespan"] = makespan,
            ["cost"] = cost,
            ["tardiness"] = tardiness,
            ["loadBalance"] = workload.Values.Max() - workload.Values.Min(),
            ["priority"] = priority,
            ["preferences"] = preferences,
            ["unassigned"] = p.Tasks.Count(t => t.Optional && !byTask.ContainsKey(t.Id)),
        };
        return (terms, v);
    }
}
