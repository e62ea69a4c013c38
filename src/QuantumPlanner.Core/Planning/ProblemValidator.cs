using QuantumPlanner.Core.Text;

namespace QuantumPlanner.Core.Planning;

/// <summary>
/// Checks a problem and reports every issue at once, each naming the item and suggesting a fix.
/// A problem without issues can be handed to any backend: ids resolve, numbers are in range, the dependency graph
/// is acyclic, and every task could be placed alone (some agent can perform it, its deadline and horizon are reachable).
/// </summary>
public static class ProblemValidator
{
    public static IReadOnlyList<ValidationIssue> Validate(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var issues = new List<ValidationIssue>();
        CheckLimits(problem, issues);
        if (issues.Count > 0 && issues.Exists(static i => i.Code == "limit"))
        {
            // A problem above the size limits is refused before any per-item work, which it would make arbitrarily slow.
            return issues;
        }

        var agents = Index(problem.Agents, a => a.Id, "agent", issues);
        var resources = Index(problem.Resources, r => r.Id, "resource", issues);
        var tasks = Index(problem.Tasks, t => t.Id, "task", issues);
        CheckHorizonAndWeights(problem, issues);
        foreach (var agent in problem.Agents)
        {
            CheckAgent(agent, issues);
        }

        foreach (var resource in problem.Resources)
        {
            if (resource.Capacity < 1)
            {
                issues.Add(new("number-range", $"resource '{resource.Id}'", $"capacity is {resource.Capacity}; it must be at least 1.", "Maybe set \"capacity\": 1."));
            }
        }

        var allSkills = new HashSet<string>(problem.Agents.SelectMany(a => a.Skills), StringComparer.Ordinal);
        foreach (var task in problem.Tasks)
        {
            CheckTaskNumbers(task, problem, issues);
            CheckTaskReferences(task, problem, agents, resources, tasks, allSkills, issues);
        }

        var hasCycle = CheckCycles(problem, tasks, issues);
        var pins = CheckBaseline(problem, tasks, agents, issues);
        if (!hasCycle)
        {
            CheckReachability(problem, tasks, pins, issues);
        }

        return issues;
    }

    /// <summary>
    /// Baseline entries must name each task once; a pinned one must be possible as it stands: the scorer judges the
    /// pinned assignments alone (skills, windows, earliest start, deadline, horizon, workload, capacities), and
    /// <see cref="CheckReachability"/> checks that its dependencies can finish before it. Returns the usable pins.
    /// </summary>
    private static Dictionary<string, Assignment> CheckBaseline(PlanningProblem p, Dictionary<string, PlanningTask> tasks, Dictionary<string, Agent> agents, List<ValidationIssue> issues)
    {
        var pins = new Dictionary<string, Assignment>(StringComparer.Ordinal);
        if (p.Baseline is not { } baseline)
        {
            return pins;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var held in baseline.Assignments)
        {
            var item = $"baseline task '{held.Task}'";
            if (!seen.Add(held.Task))
            {
                issues.Add(new("duplicate-id", item, "the baseline lists the task more than once.", "Maybe keep one assignment per task."));
                continue;
            }

            if (!held.Pinned)
            {
                continue;
            }

            if (!tasks.TryGetValue(held.Task, out var task))
            {
                issues.Add(new("pin-impossible", item, "the task is pinned but is not a task of the problem.", Maybe(held.Task, tasks.Keys, "Maybe unpin it or remove it from the baseline.")));
            }
            else if (held.Agent is null && p.Agents.Count > 0)
            {
                issues.Add(new("pin-impossible", item, "the task is pinned without an agent, but the problem has agents.", "Maybe add \"agent\" to the pinned assignment."));
            }
            else if (held.Agent is not null && !agents.ContainsKey(held.Agent))
            {
                issues.Add(new("pin-impossible", item, $"the task is pinned to agent '{held.Agent}', which is not an agent.", Maybe(held.Agent, agents.Keys, "Maybe unpin it (\"pinned\": false) so it can move to another agent.")));
            }
            else
            {
                var duration = task.DurationOn(held.Agent);
                pins[held.Task] = new Assignment(held.Task, held.Agent, held.Start, (int)Math.Min(int.MaxValue, (long)held.Start + duration));
            }
        }

        // Precedence and missing tasks are about the tasks still to plan; every other violation makes a pin impossible.
        var judged = PlanScorer.Evaluate(p with { Baseline = null }, [.. pins.Values]);
        foreach (var v in judged.Score.Violations)
        {
            if (v.Constraint is HardConstraints.Precedence or HardConstraints.MissingTask)
            {
                continue;
            }

            var item = v.Task is null ? $"agent '{v.Agent}'" : $"baseline task '{v.Task}'";
            issues.Add(new("pin-impossible", item, $"pinned as it stands, {v.Constraint} fails: {v.Message}", "Maybe unpin it (\"pinned\": false) or move its start."));
        }

        return pins;
    }

    private static void CheckLimits(PlanningProblem p, List<ValidationIssue> issues)
    {
        if (p.Tasks.Count == 0)
        {
            issues.Add(new("empty", "tasks", "the problem has no tasks.", "Maybe add \"tasks\": [{ \"id\": \"t1\", \"duration\": 1 }]."));
        }

        if (p.Tasks.Count > PlanningLimits.MaxTasks)
        {
            issues.Add(new("limit", "tasks", $"the problem has {p.Tasks.Count} tasks; at most {PlanningLimits.MaxTasks} are accepted.", "Maybe split it into several problems (e.g. per week or team)."));
        }

        if (p.Agents.Count > PlanningLimits.MaxAgents)
        {
            issues.Add(new("limit", "agents", $"the problem has {p.Agents.Count} agents; at most {PlanningLimits.MaxAgents} are accepted.", "Maybe group identical agents into one with a larger capacity."));
        }

        if (p.Resources.Count > PlanningLimits.MaxResources)
        {
            issues.Add(new("limit", "resources", $"the problem has {p.Resources.Count} resources; at most {PlanningLimits.MaxResources} are accepted.", "Maybe merge resources that are always used together."));
        }
    }

    private static void CheckHorizonAndWeights(PlanningProblem p, List<ValidationIssue> issues)
    {
        if (p.Horizon is { } h && (h < 1 || h > PlanningLimits.MaxTime))
        {
            issues.Add(new("number-range", "horizon", $"horizon is {h}; it must be between 1 and {PlanningLimits.MaxTime}.", "Maybe remove it and let the solver derive one, or rescale time units (hours instead of minutes)."));
        }

        foreach (var term in ObjectiveCatalogue.Terms)
        {
            var value = p.Objective[term.Term];
            if (!double.IsFinite(value) || value < 0)
            {
                issues.Add(new("number-range", $"objective.{term.Name}", $"weight is {value}; weights must be finite and not negative.", $"Maybe set \"{term.Name}\": 0 to ignore the term."));
            }
        }
    }

    private static void CheckAgent(Agent agent, List<ValidationIssue> issues)
    {
        var item = $"agent '{agent.Id}'";
        if (agent.Capacity < 1)
        {
            issues.Add(new("number-range", item, $"capacity is {agent.Capacity}; it must be at least 1 (tasks at once).", "Maybe set \"capacity\": 1."));
        }

        if (!double.IsFinite(agent.CostPerUnit) || agent.CostPerUnit < 0)
        {
            issues.Add(new("number-range", item, $"costPerUnit is {agent.CostPerUnit}; it must be finite and not negative.", "Maybe set \"costPerUnit\": 0."));
        }

        if (agent.MaxWorkload is { } m && m < 1)
        {
            issues.Add(new("number-range", item, $"maxWorkload is {m}; it must be at least 1.", "Maybe remove \"maxWorkload\" for no cap, or drop the agent."));
        }

        if (agent.Availability.Count > PlanningLimits.MaxWindowsPerAgent)
        {
            issues.Add(new("limit", item, $"the agent has {agent.Availability.Count} availability windows; at most {PlanningLimits.MaxWindowsPerAgent} are accepted.", "Maybe merge adjacent windows."));
        }

        TimeWindow? previous = null;
        foreach (var w in agent.Availability)
        {
            if (w.Start < 0 || w.End > PlanningLimits.MaxTime || w.End <= w.Start)
            {
                issues.Add(new("window", item, $"availability window [{w.Start}, {w.End}) is empty or out of range; it needs 0 ≤ start < end ≤ {PlanningLimits.MaxTime}.", "Maybe swap start and end, or remove the window."));
            }
            else if (previous is not null && w.Start < previous.End)
            {
                issues.Add(new("window", item, $"availability window [{w.Start}, {w.End}) overlaps or precedes [{previous.Start}, {previous.End}).", "Maybe sort the windows by start and merge overlapping ones."));
            }

            previous = w;
        }

        if (agent.Skills.Distinct(StringComparer.Ordinal).Count() != agent.Skills.Count)
        {
            issues.Add(new("duplicate-id", item, "a skill is listed twice.", "Maybe remove the repeated skill."));
        }
    }

    private static void CheckTaskNumbers(PlanningTask task, PlanningProblem p, List<ValidationIssue> issues)
    {
        var item = $"task '{task.Id}'";
        if (task.Duration < 0 || task.Duration > PlanningLimits.MaxDuration)
        {
            issues.Add(new("number-range", item, $"duration is {task.Duration}; it must be between 0 (a milestone) and {PlanningLimits.MaxDuration}.", task.Duration < 0 ? "Maybe set \"duration\": 0 for a milestone." : "Maybe rescale time units."));
        }

        foreach (var (agent, d) in task.DurationByAgent)
        {
            if (d < 0 || d > PlanningLimits.MaxDuration)
            {
                issues.Add(new("number-range", item, $"durationByAgent['{agent}'] is {d}; it must be between 0 (a milestone) and {PlanningLimits.MaxDuration}.", "Maybe remove the entry to use \"duration\"."));
            }
        }

        foreach (var (agent, c) in task.CostByAgent)
        {
            if (!double.IsFinite(c) || c < 0)
            {
                issues.Add(new("number-range", item, $"costByAgent['{agent}'] is {c}; it must be finite and not negative.", "Maybe remove the entry to use the agent's costPerUnit."));
            }
        }

        foreach (var (agent, weight) in task.PreferredAgents)
        {
            if (!double.IsFinite(weight))
            {
                issues.Add(new("number-range", item, $"preferredAgents['{agent}'] is {weight}; it must be finite.", "Maybe use a weight like 1 or 2."));
            }
        }

        if (!double.IsFinite(task.Priority) || task.Priority < 0)
        {
            issues.Add(new("number-range", item, $"priority is {task.Priority}; it must be finite and not negative.", "Maybe set \"priority\": 1."));
        }

        if (task.EarliestStart < 0 || task.EarliestStart > PlanningLimits.MaxTime)
        {
            issues.Add(new("number-range", item, $"earliestStart is {task.EarliestStart}; it must be between 0 and {PlanningLimits.MaxTime}.", "Maybe set \"earliestStart\": 0."));
        }

        if (task.Deadline is { } dl && (dl < 1 || dl > PlanningLimits.MaxTime))
        {
            issues.Add(new("number-range", item, $"deadline is {dl}; it must be between 1 and {PlanningLimits.MaxTime}.", "Maybe remove the deadline."));
        }

        if (p.Agents.Count == 0 && (task.DurationByAgent.Count > 0 || task.CostByAgent.Count > 0 || task.PreferredAgents.Count > 0))
        {
            issues.Add(new("unknown-agent", item, "the task names agents, but the problem has none.", "Maybe add the agents, or remove durationByAgent, costByAgent and preferredAgents."));
        }
    }

    private static void CheckTaskReferences(
        PlanningTask task,
        PlanningProblem p,
        Dictionary<string, Agent> agents,
        Dictionary<string, Resource> resources,
        Dictionary<string, PlanningTask> tasks,
        HashSet<string> allSkills,
        List<ValidationIssue> issues)
    {
        var item = $"task '{task.Id}'";
        foreach (var dep in task.DependsOn)
        {
            if (dep == task.Id)
            {
                issues.Add(new("dependency-cycle", item, "the task depends on itself.", $"Maybe remove '{dep}' from dependsOn."));
            }
            else if (!tasks.ContainsKey(dep))
            {
                issues.Add(new("unknown-dependency", item, $"dependsOn names '{dep}', which is not a task.", Maybe(dep, tasks.Keys, "Maybe fix the id or remove the dependency.")));
            }
        }

        foreach (var (resourceId, demand) in task.Resources)
        {
            if (!resources.TryGetValue(resourceId, out var resource))
            {
                issues.Add(new("unknown-resource", item, $"resources names '{resourceId}', which is not a resource.", Maybe(resourceId, resources.Keys, $"Maybe add {{ \"id\": \"{resourceId}\", \"capacity\": {Math.Max(1, demand)} }} to resources.")));
            }
            else if (demand < 1)
            {
                issues.Add(new("number-range", item, $"demand on resource '{resourceId}' is {demand}; it must be at least 1.", "Maybe remove the entry if the task does not use the resource."));
            }
            else if (demand > resource.Capacity)
            {
                issues.Add(new("resource-demand", item, $"demand {demand} on resource '{resourceId}' exceeds its capacity {resource.Capacity}.", $"Maybe raise the capacity of '{resourceId}' to {demand} or lower the demand."));
            }
        }

        foreach (var agentId in task.DurationByAgent.Keys.Concat(task.CostByAgent.Keys).Concat(task.PreferredAgents.Keys).Distinct(StringComparer.Ordinal))
        {
            if (p.Agents.Count > 0 && !agents.ContainsKey(agentId))
            {
                issues.Add(new("unknown-agent", item, $"names agent '{agentId}', which is not an agent.", Maybe(agentId, agents.Keys, "Maybe fix the id or remove the entry.")));
            }
        }

        if (p.Agents.Count == 0)
        {
            if (task.RequiredSkills.Count > 0)
            {
                issues.Add(new("unknown-skill", item, $"requires skills [{string.Join(", ", task.RequiredSkills)}] but the problem has no agents.", "Maybe add agents with these skills, or remove requiredSkills to schedule on resources only."));
            }

            return;
        }

        var unknown = task.RequiredSkills.Where(s => !allSkills.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            issues.Add(new("unknown-skill", item, $"requires skill(s) [{string.Join(", ", unknown)}] that no agent has.", Maybe(unknown[0], allSkills, "Maybe add the skill to an agent or fix its spelling.")));
            return;
        }

        Agent? closest = null;
        List<string>? closestMissing = null;
        var skilled = 0;
        var fitting = 0;
        foreach (var agent in p.Agents)
        {
            var missing = agent.MissingSkills(task);
            if (missing.Count == 0)
            {
                skilled++;
                var d = task.DurationOn(agent.Id);
                if (agent.HasWindowFor(d, task.EarliestStart) && (agent.MaxWorkload is not { } m || d <= m))
                {
                    fitting++;
                }
            }
            else if (closestMissing is null || missing.Count < closestMissing.Count)
            {
                closest = agent;
                closestMissing = missing;
            }
        }

        if (skilled == 0)
        {
            issues.Add(new("no-capable-agent", item, $"no agent holds all of [{string.Join(", ", task.RequiredSkills)}]; the closest, '{closest!.Id}', lacks [{string.Join(", ", closestMissing!)}].", $"Maybe add [{string.Join(", ", closestMissing!)}] to agent '{closest.Id}' or split the task."));
        }
        else if (fitting == 0)
        {
            issues.Add(new("no-capable-agent", item, $"the {skilled} agent(s) with the skills have no availability window long enough for the task (after earliestStart {task.EarliestStart}) or a maxWorkload below its duration.", "Maybe widen an availability window, raise maxWorkload, or shorten the task."));
        }
    }

    private static bool CheckCycles(PlanningProblem p, Dictionary<string, PlanningTask> tasks, List<ValidationIssue> issues)
    {
        // Iterative DFS with colours; each back edge closes a cycle that we list once.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var found = false;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in p.Tasks)
        {
            if (state.ContainsKey(root.Id))
            {
                continue;
            }

            var path = new List<string>();
            var stack = new Stack<(string Id, int Next)>();
            stack.Push((root.Id, 0));
            state[root.Id] = 1;
            path.Add(root.Id);
            while (stack.Count > 0)
            {
                var (id, next) = stack.Pop();
                var deps = tasks.TryGetValue(id, out var t) ? t.DependsOn : [];
                if (next < deps.Count)
                {
                    stack.Push((id, next + 1));
                    var dep = deps[next];
                    if (dep == id || !tasks.ContainsKey(dep))
                    {
                        continue;
                    }

                    if (!state.TryGetValue(dep, out var s))
                    {
                        state[dep] = 1;
                        path.Add(dep);
                        stack.Push((dep, 0));
                    }
                    else if (s == 1)
                    {
                        found = true;
                        var from = path.IndexOf(dep);
                        var cycle = path.GetRange(from, path.Count - from);
                        var key = string.Join(",", cycle.Order(StringComparer.Ordinal));
                        if (reported.Add(key))
                        {
                            // path lists "task → its dependency"; print in execution order (dependency first).
                            var order = cycle.AsEnumerable().Reverse().ToList();
                            order.Add(order[0]);
                            issues.Add(new("dependency-cycle", $"task '{cycle[^1]}'", $"dependency cycle: {string.Join(" → ", order)} (each must finish before the next starts).", $"Maybe remove '{dep}' from the dependsOn of '{cycle[^1]}', or break another edge of the cycle."));
                        }
                    }
                }
                else
                {
                    state[id] = 2;
                    path.RemoveAt(path.Count - 1);
                }
            }
        }

        return found;
    }

    private static void CheckReachability(PlanningProblem p, Dictionary<string, PlanningTask> tasks, Dictionary<string, Assignment> pins, List<ValidationIssue> issues)
    {
        // Earliest finish of each task alone: its earliest start, after its dependencies, on its fastest capable agent.
        var finish = new Dictionary<string, long>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        long Finish(PlanningTask t)
        {
            if (finish.TryGetValue(t.Id, out var f))
            {
                return f;
            }

            visiting.Add(t.Id);
            long start = Math.Max(0, t.EarliestStart);
            foreach (var dep in t.DependsOn)
            {
                if (tasks.TryGetValue(dep, out var d) && !visiting.Contains(dep))
                {
                    start = Math.Max(start, Finish(d));
                }
            }

            long best = long.MaxValue;
            if (pins.TryGetValue(t.Id, out var pin))
            {
                if (start > pin.Start)
                {
                    issues.Add(new("pin-impossible", $"baseline task '{t.Id}'", $"the task is pinned to start at {pin.Start}, but its earliest start and dependencies allow {start} at the soonest.", "Maybe unpin it, or unpin or shorten its dependencies."));
                }

                best = pin.End;
            }
            else if (p.Agents.Count == 0)
            {
                best = start + t.Duration;
            }
            else
            {
                foreach (var a in p.Agents)
                {
                    if (a.HasSkillsFor(t))
                    {
                        best = Math.Min(best, EarliestEndInWindows(a, start, t.DurationOn(a.Id)));
                    }
                }
            }

            if (best == long.MaxValue)
            {
                best = start + t.Duration;
            }

            visiting.Remove(t.Id);
            finish[t.Id] = best;
            return best;
        }

        foreach (var t in p.Tasks)
        {
            var f = Finish(t);
            if (p.HardDeadlines && t.Deadline is { } dl && dl >= 1 && f > dl)
            {
                issues.Add(new("deadline-unreachable", $"task '{t.Id}'", $"cannot finish before {f} even alone (earliest start, dependencies and fastest capable agent), but its deadline is {dl}.", $"Maybe move the deadline to {f} or later, shorten the task or its dependencies, or set \"hardDeadlines\": false."));
            }

            if (p.Horizon is { } h && h >= 1 && f > h)
            {
                issues.Add(new("horizon-unreachable", $"task '{t.Id}'", $"cannot finish before {f} even alone, beyond the horizon {h}.", $"Maybe raise the horizon to {f} or more."));
            }
        }
    }

    private static long EarliestEndInWindows(Agent a, long start, int duration)
    {
        if (a.Availability.Count == 0)
        {
            return start + duration;
        }

        foreach (var w in a.Availability)
        {
            var s = Math.Max(start, w.Start);
            if (s + duration <= w.End)
            {
                return s + duration;
            }
        }

        return long.MaxValue;
    }

    private static Dictionary<string, T> Index<T>(IReadOnlyList<T> items, Func<T, string> id, string kind, List<ValidationIssue> issues)
    {
        var index = new Dictionary<string, T>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var key = id(items[i]);
            if (string.IsNullOrWhiteSpace(key))
            {
                issues.Add(new("missing-id", $"{kind} #{i + 1}", $"the {kind} has no id.", $"Maybe add \"id\": \"{kind}-{i + 1}\"."));
                continue;
            }

            if (IdText.Problem(key) is { } problem)
            {
                issues.Add(new("invalid-id", $"{kind} #{i + 1} '{IdText.Printable(key)}'", $"the {kind} id {problem}.", $"Maybe \"id\": \"{kind}-{i + 1}\"."));
                continue;
            }

            if (!index.TryAdd(key, items[i]))
            {
                issues.Add(new("duplicate-id", $"{kind} '{key}'", $"the id '{key}' is used by more than one {kind} (again at #{i + 1}).", $"Maybe rename the second one to '{key}-2'."));
            }
        }

        return index;
    }

    private static string Maybe(string wrong, IEnumerable<string> known, string fallback) =>
        NearestName.Find(wrong, known) is { } best ? $"Maybe you meant '{best}'." : fallback;
}
