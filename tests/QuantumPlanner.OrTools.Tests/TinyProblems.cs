using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.OrTools.Tests;

/// <summary>Seeded random problems small enough to enumerate every plan.</summary>
internal static class TinyProblems
{
    public static PlanningProblem Random(int seed)
    {
        var random = new Random(seed);
        string[] skills = ["x", "y"];
        var agents = new List<Agent>();
        for (int a = 0; a < 2; a++)
        {
            var windows = new List<TimeWindow>();
            if (random.Next(3) == 0)
            {
                windows.Add(new TimeWindow(0, 3));
                windows.Add(new TimeWindow(4, 8));
            }

            agents.Add(new Agent
            {
                Id = $"ag{a}",
                Skills = a == 0 ? ["x", "y"] : [skills[random.Next(2)]],
                Capacity = random.Next(4) == 0 ? 2 : 1,
                CostPerUnit = random.Next(1, 4),
                Availability = windows,
                MaxWorkload = random.Next(3) == 0 ? 5 : null,
            });
        }

        var tasks = new List<PlanningTask>();
        for (int t = 0; t < 3; t++)
        {
            var byAgent = new Dictionary<string, int>();
            if (random.Next(2) == 0)
            {
                byAgent["ag1"] = random.Next(1, 4);
            }

            var costs = new Dictionary<string, double>();
            if (random.Next(2) == 0)
            {
                costs["ag0"] = random.Next(0, 6) + 0.5;
            }

            var preferred = new Dictionary<string, double>();
            if (random.Next(3) == 0)
            {
                preferred[$"ag{random.Next(2)}"] = 1.5;
            }

            tasks.Add(new PlanningTask
            {
                Id = $"t{t}",
                RequiredSkills = random.Next(3) == 0 ? [skills[random.Next(2)]] : [],
                Duration = random.Next(1, 4),
                DurationByAgent = byAgent,
                CostByAgent = costs,
                Priority = random.Next(0, 3),
                EarliestStart = random.Next(0, 2),
                Deadline = random.Next(2) == 0 ? random.Next(3, 7) : null,
                DependsOn = t > 0 && random.Next(3) == 0 ? [$"t{t - 1}"] : [],
                Resources = random.Next(2) == 0 ? new Dictionary<string, int> { ["r"] = random.Next(1, 3) } : new Dictionary<string, int>(),
                Optional = random.Next(4) == 0,
                PreferredAgents = preferred,
            });
        }

        return new PlanningProblem
        {
            Name = $"tiny-{seed}",
            Horizon = 8,
            Agents = agents,
            Resources = [new Resource { Id = "r", Capacity = 2 }],
            Tasks = tasks,
            HardDeadlines = random.Next(2) == 0,
            Objective = new ObjectiveWeights
            {
                Makespan = random.Next(0, 3),
                Cost = random.Next(0, 2) * 0.5,
                Tardiness = random.Next(0, 3),
                LoadBalance = random.Next(0, 2),
                Priority = random.Next(0, 2) * 0.25,
                Preferences = random.Next(0, 2),
                Unassigned = 7,
            },
        };
    }

    /// <summary>The best objective over every plan (agent or dropped, start in [0, horizon]) that breaks nothing; null if none.</summary>
    public static double? BruteForceOptimum(PlanningProblem problem)
    {
        int horizon = problem.Horizon!.Value;
        var options = new List<List<Assignment?>>();
        foreach (var t in problem.Tasks)
        {
            var choices = new List<Assignment?>();
            if (t.Optional)
            {
                choices.Add(null);
            }

            IEnumerable<string?> agentIds = problem.Agents.Count == 0 ? [null] : problem.Agents.Select(a => (string?)a.Id);
            foreach (var agent in agentIds)
            {
                int d = agent is not null && t.DurationByAgent.TryGetValue(agent, out int x) ? x : t.Duration;
                for (int s = 0; s + d <= horizon; s++)
                {
                    choices.Add(new Assignment(t.Id, agent, s, s + d));
                }
            }

            options.Add(choices);
        }

        double? best = null;
        var plan = new List<Assignment>();
        Enumerate(0);
        return best;

        void Enumerate(int i)
        {
            if (i == options.Count)
            {
                if (IndependentCheck.Violations(problem, plan).Count == 0)
                {
                    double value = IndependentCheck.Objective(problem, plan);
                    best = best is null ? value : Math.Min(best.Value, value);
                }

                return;
            }

            foreach (var choice in options[i])
            {
                if (choice is not null)
                {
                    plan.Add(choice);
                }

                Enumerate(i + 1);
                if (choice is not null)
                {
                    plan.RemoveAt(plan.Count - 1);
                }
            }
        }
    }
}
