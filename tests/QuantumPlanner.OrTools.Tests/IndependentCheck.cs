using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.OrTools.Tests;

/// <summary>
/// Checks a plan against every constraint kind and computes its objective, written from DESIGN.md §3 without
/// looking at the CP-SAT model, so the two can disagree when one of them is wrong.
/// </summary>
internal static class IndependentCheck
{
    public static List<string> Violations(PlanningProblem problem, IReadOnlyList<Assignment> plan)
    {
        var errors = new List<string>();
        var byTask = new Dictionary<string, Assignment>(StringComparer.Ordinal);
        foreach (var a in plan)
        {
            if (!byTask.TryAdd(a.Task, a))
            {
                errors.Add($"{a.Task} twice");
            }
        }

        var tasks = problem.Tasks.ToDictionary(t => t.Id);
        var agents = problem.Agents.ToDictionary(a => a.Id);
        foreach (var t in problem.Tasks)
        {
            if (!byTask.TryGetValue(t.Id, out var a))
            {
                if (!t.Optional)
                {
                    errors.Add($"{t.Id} missing");
                }

                continue;
            }

            int duration = t.Duration;
            if (problem.Agents.Count > 0)
            {
                if (a.Agent is null || !agents.TryGetValue(a.Agent, out var agent))
                {
                    errors.Add($"{t.Id} has no valid agent");
                    continue;
                }

                duration = t.DurationByAgent.TryGetValue(agent.Id, out int d) ? d : t.Duration;
                if (!t.RequiredSkills.All(agent.Skills.Contains))
                {
                    errors.Add($"{t.Id} skill");
                }

                if (agent.Availability.Count > 0 && !agent.Availability.Any(w => a.Start >= w.Start && a.End <= w.End))
                {
                    errors.Add($"{t.Id} availability");
                }
            }

            if (a.End - a.Start != duration)
            {
                errors.Add($"{t.Id} duration");
            }

            if (a.Start < t.EarliestStart)
            {
                errors.Add($"{t.Id} earliest start");
            }

            if (problem.HardDeadlines && t.Deadline is int dl && a.End > dl)
            {
                errors.Add($"{t.Id} deadline");
            }

            if (problem.Horizon is int h && a.End > h)
            {
                errors.Add($"{t.Id} horizon");
            }

            foreach (var dep in t.DependsOn)
            {
                if (!byTask.TryGetValue(dep, out var p) || p.End > a.Start)
                {
                    errors.Add($"{t.Id} precedence on {dep}");
                }
            }
        }

        int end = plan.Count == 0 ? 0 : plan.Max(a => a.End);
        for (int time = 0; time < end; time++)
        {
            foreach (var agent in problem.Agents)
            {
                int running = plan.Count(a => a.Agent == agent.Id && a.Start <= time && time < a.End);
                if (running > agent.Capacity)
                {
                    errors.Add($"{agent.Id} over capacity at {time}");
                }
            }

            foreach (var r in problem.Resources)
            {
                int use = plan.Where(a => a.Start <= time && time < a.End)
                    .Sum(a => tasks[a.Task].Resources.TryGetValue(r.Id, out int q) ? q : 0);
                if (use > r.Capacity)
                {
                    errors.Add($"{r.Id} over capacity at {time}");
                }
            }
        }

        foreach (var agent in problem.Agents)
        {
            if (agent.MaxWorkload is int cap && Workload(plan, agent.Id) > cap)
            {
                errors.Add($"{agent.Id} max workload");
            }
        }

        return errors;
    }

    public static double Objective(PlanningProblem problem, IReadOnlyList<Assignment> plan)
    {
        var w = problem.Objective;
        var tasks = problem.Tasks.ToDictionary(t => t.Id);
        var agents = problem.Agents.ToDictionary(a => a.Id);
        double makespan = plan.Count == 0 ? 0 : plan.Max(a => a.End);
        double cost = 0, tardiness = 0, priority = 0, preferences = 0;
        foreach (var a in plan)
        {
            var t = tasks[a.Task];
            if (a.Agent is not null)
            {
                cost += t.CostByAgent.TryGetValue(a.Agent, out double c) ? c : agents[a.Agent].CostPerUnit * (a.End - a.Start);
                preferences -= t.PreferredAgents.TryGetValue(a.Agent, out double p) ? p : 0;
            }

            tardiness += t.Deadline is int dl ? Math.Max(0, a.End - dl) : 0;
            priority += t.Priority * a.End;
        }

        double balance = problem.Agents.Count == 0
            ? 0
            : problem.Agents.Max(a => Workload(plan, a.Id)) - problem.Agents.Min(a => Workload(plan, a.Id));
        int dropped = problem.Tasks.Count(t => plan.All(a => a.Task != t.Id));
        return (w.Makespan * makespan) + (w.Cost * cost) + (w.Tardiness * tardiness) + (w.LoadBalance * balance)
            + (w.Priority * priority) + (w.Preferences * preferences) + (w.Unassigned * dropped);
    }

    private static int Workload(IReadOnlyList<Assignment> plan, string agent) =>
        plan.Where(a => a.Agent == agent).Sum(a => a.End - a.Start);
}
