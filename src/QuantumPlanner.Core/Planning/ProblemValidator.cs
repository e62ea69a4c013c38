using QuantumPlanner.Core.Text;

namespace QuantumPlanner.Core.Planning;

/// <summary>
/// Checks a problem and reports every issue at once, each naming the item and suggesting a fix.
/// A problem without issues can be handed to any backend: ids resolve, numbers are in range, the dependency graph
/// is acyclic, and every task could be placed alone (some agent can perform it, its deadline and horizon are reachable).
/// </summary>
public static class ProblemValidator
{
    private const int MaxCyclesReported = 20;

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

        CheckSkillNames(problem, issues);
        var hints = new Hints();
        var capable = new CapableAgents(problem.Agents);
        foreach (var task in problem.Tasks)
        {
            CheckTaskNumbers(task, problem, issues);
            CheckTaskReferences(task, problem, agents, resources, tasks, capable, hints, issues);
        }

        var hasCycle = CheckCycles(problem, tasks, issues);
        var pins = CheckBaseline(problem, tasks, agents, hints, issues);
        if (!hasCycle)
        {
            CheckReachability(problem, tasks, pins, capable, issues);
        }

        return issues;
    }

    /// <summary>
    /// Baseline entries must name each task once; a pinned one must be possible as it stands: the scorer judges the
    /// pinned assignments alone (skills, windows, earliest start, deadline, horizon, workload, capacities), and
    /// <see cref="CheckReachability"/> checks that its dependencies can finish before it. Returns the usable pins.
    /// </summary>
    private static Dictionary<string, Assignment> CheckBaseline(PlanningProblem p, Dictionary<string, PlanningTask> tasks, Dictionary<string, Agent> agents, Hints hints, List<ValidationIssue> issues)
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
                issues.Add(new("pin-impossible", item, "the task is pinned but is not a task of the problem.", hints.Maybe(held.Task, tasks.Keys, "Maybe unpin it or remove it from the baseline.")));
            }
            else if (held.Agent is null && p.Agents.Count > 0)
            {
                issues.Add(new("pin-impossible", item, "the task is pinned without an agent, but the problem has agents.", "Maybe add \"agent\" to the pinned assignment."));
            }
            else if (held.Agent is not null && !agents.ContainsKey(held.Agent))
            {
                issues.Add(new("pin-impossible", item, $"the task is pinned to agent '{held.Agent}', which is not an agent.", hints.Maybe(held.Agent, agents.Keys, "Maybe unpin it (\"pinned\": false) so it can move to another agent.")));
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

        CheckCount(p.Tasks.Count, "tasks", "the problem", PlanningLimits.Tasks, issues);
        CheckCount(p.Agents.Count, "agents", "the problem", PlanningLimits.Agents, issues);
        CheckCount(p.Resources.Count, "resources", "the problem", PlanningLimits.Resources, issues);
        if (issues.Exists(static i => i.Code == "limit"))
        {
            return;
        }

        foreach (var agent in p.Agents)
        {
            CheckCount(agent.Availability.Count, $"agent '{IdText.Printable(agent.Id)}'", "the agent", PlanningLimits.Windows, issues);
            CheckCount(agent.Skills.Count, $"agent '{IdText.Printable(agent.Id)}'", "the agent", PlanningLimits.Skills, issues);
        }

        foreach (var task in p.Tasks)
        {
            var item = $"task '{IdText.Printable(task.Id)}'";
            CheckCount(task.RequiredSkills.Count, item, "the task", PlanningLimits.Skills, issues);
            CheckCount(task.DependsOn.Count, item, "the task", PlanningLimits.Dependencies, issues);
            CheckCount(task.Resources.Count, item, "the task", PlanningLimits.ResourceEntries, issues);
            CheckCount(Math.Max(task.DurationByAgent.Count, Math.Max(task.CostByAgent.Count, task.PreferredAgents.Count)), item, "an agent map of the task", PlanningLimits.AgentEntries, issues);
        }

        if (p.Baseline is { } baseline)
        {
            CheckCount(baseline.Assignments.Count, "baseline", "the baseline", PlanningLimits.BaselineAssignments, issues);
        }
    }

    private static void CheckCount(int count, string item, string owner, ListLimit limit, List<ValidationIssue> issues)
    {
        if (count > limit.Max)
        {
            issues.Add(new("limit", item, $"{owner} has {count} {limit.Noun}; at most {limit.Max} are accepted.", limit.Suggestion));
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
        CapableAgents capable,
        Hints hints,
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
                issues.Add(new("unknown-dependency", item, $"dependsOn names '{dep}', which is not a task.", hints.Maybe(dep, tasks.Keys, "Maybe fix the id or remove the dependency.")));
            }
        }

        foreach (var (resourceId, demand) in task.Resources)
        {
            if (!resources.TryGetValue(resourceId, out var resource))
            {
                issues.Add(new("unknown-resource", item, $"resources names '{resourceId}', which is not a resource.", hints.Maybe(resourceId, resources.Keys, $"Maybe add {{ \"id\": \"{resourceId}\", \"capacity\": {Math.Max(1, demand)} }} to resources.")));
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
                issues.Add(new("unknown-agent", item, $"names agent '{agentId}', which is not an agent.", hints.Maybe(agentId, agents.Keys, "Maybe fix the id or remove the entry.")));
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

        var unknown = task.RequiredSkills.Where(s => !capable.AllSkills.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            issues.Add(new("unknown-skill", item, $"requires skill(s) [{string.Join(", ", unknown)}] that no agent has.", hints.Maybe(unknown[0], capable.AllSkills, "Maybe add the skill to an agent or fix its spelling.")));
            return;
        }

        var match = capable.For(task);
        var skilled = match.Skilled.Length;
        var fitting = 0;
        foreach (var i in match.Skilled)
        {
            var agent = p.Agents[i];
            var d = task.DurationOn(agent.Id);
            if (capable.EarliestEnd(i, task.EarliestStart, d) != long.MaxValue && (agent.MaxWorkload is not { } m || d <= m))
            {
                // One agent that fits is enough to accept the task; the count of skilled agents is known already.
                fitting++;
                break;
            }
        }

        var closest = match.Closest;
        var closestMissing = match.ClosestMissing;
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
        // Iterative DFS with colours; each back edge closes a cycle that we list once, up to MaxCyclesReported: a
        // cycle can be thousands of tasks long, and listing every back edge into it would cost quadratic time.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var found = false;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var onPath = new Dictionary<string, int>(StringComparer.Ordinal);
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
            onPath[root.Id] = path.Count;
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
                        onPath[dep] = path.Count;
                        path.Add(dep);
                        stack.Push((dep, 0));
                    }
                    else if (s == 1)
                    {
                        found = true;
                        if (reported.Count >= MaxCyclesReported)
                        {
                            continue;
                        }

                        var from = onPath[dep];
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
                    onPath.Remove(id);
                    path.RemoveAt(path.Count - 1);
                }
            }
        }

        return found;
    }

    private static void CheckReachability(PlanningProblem p, Dictionary<string, PlanningTask> tasks, Dictionary<string, Assignment> pins, CapableAgents capable, List<ValidationIssue> issues)
    {
        // Earliest finish of each task alone: its earliest start, after its dependencies, on its fastest capable agent.
        var finish = new Dictionary<string, long>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);

        // Depth-first over dependencies with an explicit stack: a chain of 5 000 tasks must not overflow the thread's.
        long Finish(PlanningTask root)
        {
            if (finish.TryGetValue(root.Id, out var known))
            {
                return known;
            }

            var stack = new Stack<(PlanningTask Task, int Next, long Start)>();
            stack.Push((root, 0, Math.Max(0, root.EarliestStart)));
            visiting.Add(root.Id);
            while (stack.Count > 0)
            {
                var (t, next, start) = stack.Pop();
                if (next < t.DependsOn.Count)
                {
                    var dep = t.DependsOn[next];
                    if (!tasks.TryGetValue(dep, out var d) || visiting.Contains(dep))
                    {
                        stack.Push((t, next + 1, start));
                    }
                    else if (finish.TryGetValue(dep, out var depFinish))
                    {
                        stack.Push((t, next + 1, Math.Max(start, depFinish)));
                    }
                    else
                    {
                        // Come back to the same dependency once its finish is known.
                        stack.Push((t, next, start));
                        visiting.Add(dep);
                        stack.Push((d, 0, Math.Max(0, d.EarliestStart)));
                    }

                    continue;
                }

                visiting.Remove(t.Id);
                finish[t.Id] = Alone(t, start);
            }

            return finish[root.Id];
        }

        long Alone(PlanningTask t, long start)
        {
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
                foreach (var i in capable.For(t).Skilled)
                {
                    best = Math.Min(best, capable.EarliestEnd(i, start, t.DurationOn(p.Agents[i].Id)));
                }
            }

            return best == long.MaxValue ? start + t.Duration : best;
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

    /// <summary>
    /// Skill names follow the id rules (<see cref="IdText"/>): they are printed in the same tables and messages.
    /// Checked once per distinct name.
    /// </summary>
    private static void CheckSkillNames(PlanningProblem p, List<ValidationIssue> issues)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Check(IReadOnlyList<string> skills, string item)
        {
            foreach (var skill in skills)
            {
                if (seen.Add(skill) && IdText.Problem(skill) is { } problem)
                {
                    issues.Add(new("invalid-id", item, $"the skill name '{IdText.Printable(skill)}' {problem}.", "Maybe use a short name of letters, digits and dashes, such as \"python\"."));
                }
            }
        }

        foreach (var agent in p.Agents)
        {
            Check(agent.Skills, $"agent '{IdText.Printable(agent.Id)}'");
        }

        foreach (var task in p.Tasks)
        {
            Check(task.RequiredSkills, $"task '{IdText.Printable(task.Id)}'");
        }
    }

    /// <summary>
    /// "Maybe you meant ..." hints for the first <see cref="Budget"/> unknown names; later ones get the general advice.
    /// Each hint compares the name with every known id, so a file full of wrong references would otherwise cost
    /// (wrong names × ids) edit distances.
    /// </summary>
    private sealed class Hints
    {
        private const int Budget = 100;
        private int used;

        public string Maybe(string wrong, IEnumerable<string> known, string fallback)
        {
            if (used >= Budget)
            {
                return fallback;
            }

            used++;
            return NearestName.Find(wrong, known) is { } best ? $"Maybe you meant '{best}'." : fallback;
        }
    }

    /// <summary>
    /// Which agents can take a task, computed once per distinct required-skill list and shared by the reference and
    /// reachability checks, with each agent's windows indexed: the work per task is its skills times the agents
    /// (both bounded by <see cref="PlanningLimits"/>), never the agents' windows or skill lists scanned again.
    /// </summary>
    private sealed class CapableAgents
    {
        private readonly IReadOnlyList<Agent> agents;
        private readonly HashSet<string>[] skills;
        private readonly AvailabilityIndex?[] windows;
        private readonly Dictionary<string, Match> bySkills = new(StringComparer.Ordinal);

        public CapableAgents(IReadOnlyList<Agent> agents)
        {
            this.agents = agents;
            skills = new HashSet<string>[agents.Count];
            windows = new AvailabilityIndex?[agents.Count];
            for (var i = 0; i < agents.Count; i++)
            {
                skills[i] = new HashSet<string>(agents[i].Skills, StringComparer.Ordinal);
                windows[i] = AvailabilityIndex.For(agents[i]);
                AllSkills.UnionWith(skills[i]);
            }
        }

        public HashSet<string> AllSkills { get; } = new(StringComparer.Ordinal);

        public Match For(PlanningTask task)
        {
            // U+0001 cannot occur in a valid skill name, so the joined key is unambiguous for every name we accept.
            var key = string.Join('\u0001', task.RequiredSkills);
            if (bySkills.TryGetValue(key, out var known))
            {
                return known;
            }

            var skilled = new List<int>();
            Agent? closest = null;
            List<string>? closestMissing = null;
            for (var i = 0; i < agents.Count; i++)
            {
                var missing = task.RequiredSkills.Where(s => !skills[i].Contains(s)).ToList();
                if (missing.Count == 0)
                {
                    skilled.Add(i);
                }
                else if (closestMissing is null || missing.Count < closestMissing.Count)
                {
                    closest = agents[i];
                    closestMissing = missing;
                }
            }

            var match = new Match([.. skilled], closest, closestMissing);
            bySkills[key] = match;
            return match;
        }

        public long EarliestEnd(int agent, long start, int duration) =>
            windows[agent] is { } index ? index.EarliestEnd(start, duration) : start + duration;

        /// <summary>Indices of the agents holding every skill, and otherwise the agent missing the fewest (and which).</summary>
        public sealed record Match(int[] Skilled, Agent? Closest, List<string>? ClosestMissing);
    }
}
