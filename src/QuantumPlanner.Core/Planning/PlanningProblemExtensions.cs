namespace QuantumPlanner.Core.Planning;

/// <summary>Facts every part agrees on: how long a task takes on an agent, what it costs, who can do it.</summary>
public static class PlanningProblemExtensions
{
    /// <summary>Duration of <paramref name="task"/> on <paramref name="agentId"/> (durationByAgent, else duration).</summary>
    public static int DurationOn(this PlanningTask task, string? agentId)
    {
        ArgumentNullException.ThrowIfNull(task);
        return agentId is not null && task.DurationByAgent.TryGetValue(agentId, out var d) ? d : task.Duration;
    }

    /// <summary>Cost of running <paramref name="task"/> on <paramref name="agent"/>: costByAgent when given, else duration × costPerUnit.</summary>
    public static double CostOn(this PlanningTask task, Agent? agent)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (agent is null)
        {
            return 0;
        }

        return task.CostByAgent.TryGetValue(agent.Id, out var c) ? c : task.DurationOn(agent.Id) * agent.CostPerUnit;
    }

    /// <summary>Preference bonus for running <paramref name="task"/> on <paramref name="agentId"/> (0 when not preferred).</summary>
    public static double PreferenceFor(this PlanningTask task, string? agentId)
    {
        ArgumentNullException.ThrowIfNull(task);
        return agentId is not null && task.PreferredAgents.TryGetValue(agentId, out var w) ? w : 0;
    }

    /// <summary>Skills of <paramref name="task"/> that <paramref name="agent"/> lacks (empty when it has them all).</summary>
    public static List<string> MissingSkills(this Agent agent, PlanningTask task)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(task);
        var missing = new List<string>();
        foreach (var skill in task.RequiredSkills)
        {
            if (!agent.Skills.Contains(skill, StringComparer.Ordinal))
            {
                missing.Add(skill);
            }
        }

        return missing;
    }

    public static bool HasSkillsFor(this Agent agent, PlanningTask task)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(task);
        foreach (var skill in task.RequiredSkills)
        {
            if (!agent.Skills.Contains(skill, StringComparer.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The baseline assignment of each task the problem still has (the first one when a task is listed twice); empty
    /// without a baseline.
    /// </summary>
    public static Dictionary<string, BaselineAssignment> BaselineByTask(this PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var byTask = new Dictionary<string, BaselineAssignment>(StringComparer.Ordinal);
        if (problem.Baseline is not { } baseline)
        {
            return byTask;
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in problem.Tasks)
        {
            known.Add(t.Id);
        }

        foreach (var a in baseline.Assignments)
        {
            if (a is not null && known.Contains(a.Task))
            {
                byTask.TryAdd(a.Task, a);
            }
        }

        return byTask;
    }

    /// <summary>True when [start, end) lies inside one availability window (or the agent has none).</summary>
    public static bool IsAvailable(this Agent agent, int start, int end)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (agent.Availability.Count == 0)
        {
            return true;
        }

        foreach (var w in agent.Availability)
        {
            if (w.Start <= start && end <= w.End)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when some window of the agent (or no window at all) is long enough for <paramref name="duration"/>.</summary>
    public static bool HasWindowFor(this Agent agent, int duration, int earliestStart)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (agent.Availability.Count == 0)
        {
            return true;
        }

        foreach (var w in agent.Availability)
        {
            if (Math.Max(w.Start, earliestStart) + (long)duration <= w.End)
            {
                return true;
            }
        }

        return false;
    }
}
