namespace QuantumPlanner.Core.Planning;

/// <summary>A baseline task that a re-plan moved: where it was, where it is now (null agent and start when dropped), and why.</summary>
public sealed record PlanChange(string Task, string? FromAgent, int FromStart, string? ToAgent, int? ToStart, string Reason);

/// <summary>What a plan changed against the problem's baseline (the tasks the <c>changes</c> term counts), with reasons.</summary>
public static class PlanChanges
{
    /// <summary>Every baseline task whose agent or start differs in <paramref name="assignments"/>, in baseline order; empty without a baseline.</summary>
    public static IReadOnlyList<PlanChange> Between(PlanningProblem problem, IReadOnlyList<Assignment> assignments)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(assignments);
        var baseline = problem.BaselineByTask();
        if (baseline.Count == 0)
        {
            return [];
        }

        var placed = new Dictionary<string, Assignment>(StringComparer.Ordinal);
        foreach (var a in assignments)
        {
            placed.TryAdd(a.Task, a);
        }

        var tasks = problem.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var agents = new Dictionary<string, Agent>(StringComparer.Ordinal);
        foreach (var agent in problem.Agents)
        {
            agents.TryAdd(agent.Id, agent);
        }

        var changes = new List<PlanChange>();
        foreach (var held in baseline.Values)
        {
            placed.TryGetValue(held.Task, out var now);
            if (now is not null && held.KeepsBaseline(now.Agent, now.Start))
            {
                continue;
            }

            changes.Add(new PlanChange(held.Task, held.Agent, held.Start, now?.Agent, now?.Start, Reason(problem, tasks[held.Task], held, now, agents)));
        }

        return changes;
    }

    private static string Reason(PlanningProblem problem, PlanningTask task, BaselineAssignment held, Assignment? now, Dictionary<string, Agent> agents)
    {
        if (held.Agent is not null && !agents.ContainsKey(held.Agent))
        {
            return $"agent '{held.Agent}' is no longer in the problem";
        }

        if (held.Agent is not null && agents.TryGetValue(held.Agent, out var agent))
        {
            if (!agent.HasSkillsFor(task))
            {
                return $"agent '{held.Agent}' lacks [{string.Join(", ", agent.MissingSkills(task))}]";
            }

            var end = (long)held.Start + task.DurationOn(agent.Id);
            if (!agent.IsAvailable(held.Start, (int)Math.Min(int.MaxValue, end)))
            {
                return $"agent '{held.Agent}' is not available over [{held.Start}, {end})";
            }
        }

        if (held.Start < task.EarliestStart)
        {
            return $"the baseline start {held.Start} is before the task's earliestStart {task.EarliestStart}";
        }

        if (now is null)
        {
            return $"dropped: the objective preferred it (unassigned weight {problem.Objective.Unassigned}, changes weight {problem.Objective.Changes})";
        }

        return $"the objective preferred it: another task, a new dependency or capacity took the slot, or the other terms outweigh the changes weight {problem.Objective.Changes}";
    }
}
