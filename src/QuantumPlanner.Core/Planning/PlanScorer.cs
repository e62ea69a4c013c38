namespace QuantumPlanner.Core.Planning;

/// <summary>What one task contributes to a plan's score (for --explain).</summary>
public sealed record TaskScore(string Task, string? Agent, int Start, int End, double Cost, int Tardiness, double PriorityTerm, double Preference);

/// <summary>One agent's share of a plan (for --explain).</summary>
public sealed record AgentScore(string Agent, int Tasks, int Workload, double Cost);

/// <summary>The full judgement of a plan: score, metrics, dropped tasks and the per-task and per-agent breakdown.</summary>
public sealed record ScoredPlan(Score Score, PlanMetrics Metrics, IReadOnlyList<string> Unassigned, IReadOnlyList<TaskScore> Tasks, IReadOnlyList<AgentScore> Agents);

/// <summary>
/// The one scorer for every plan, whatever produced it.
/// Hard constraints (each violation names constraint, task/agent and amount): unknown-task, duplicate-assignment,
/// no-agent / unknown-agent, duration (end − start must equal the task's duration on the agent), skill, availability
/// (inside one window), earliest-start, precedence (start ≥ end of every dependency, which must be scheduled),
/// deadline (when hardDeadlines), horizon, max-workload, agent-capacity, resource-capacity, missing-task (a required
/// task not scheduled).
/// Objective terms, minimised as Σ weight × value: makespan = latest end; cost = Σ costByAgent, else duration ×
/// costPerUnit; tardiness = Σ max(0, end − deadline); loadBalance = max − min workload over agents (workload = Σ end −
/// start of its tasks); priority = Σ priority × end; preferences = −Σ preferredAgents weight of the chosen agent;
/// unassigned = number of dropped optional tasks.
/// </summary>
public static class PlanScorer
{
    public static readonly IReadOnlyList<string> Terms = ["makespan", "cost", "tardiness", "loadBalance", "priority", "preferences", "unassigned"];

    public static (Score Score, PlanMetrics Metrics) Score(PlanningProblem problem, IReadOnlyList<Assignment> assignments)
    {
        var scored = Evaluate(problem, assignments);
        return (scored.Score, scored.Metrics);
    }

    public static ScoredPlan Evaluate(PlanningProblem problem, IReadOnlyList<Assignment> assignments)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(assignments);
        var violations = new List<Violation>();
        var tasks = new Dictionary<string, PlanningTask>(StringComparer.Ordinal);
        foreach (var t in problem.Tasks)
        {
            tasks.TryAdd(t.Id, t);
        }

        var agents = new Dictionary<string, Agent>(StringComparer.Ordinal);
        foreach (var a in problem.Agents)
        {
            agents.TryAdd(a.Id, a);
        }

        var placed = new Dictionary<string, Assignment>(StringComparer.Ordinal);
        var ordered = new List<Assignment>();
        foreach (var a in assignments)
        {
            if (!tasks.ContainsKey(a.Task))
            {
                violations.Add(new("unknown-task", a.Task, a.Agent, 1, $"the plan assigns '{a.Task}', which is not a task of the problem."));
            }
            else if (!placed.TryAdd(a.Task, a))
            {
                violations.Add(new("duplicate-assignment", a.Task, a.Agent, 1, $"task '{a.Task}' is assigned more than once; only the first counts."));
            }
            else
            {
                ordered.Add(a);
            }
        }

        var workload = new Dictionary<string, int>(StringComparer.Ordinal);
        var agentCost = new Dictionary<string, double>(StringComparer.Ordinal);
        var agentTasks = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var a in problem.Agents)
        {
            workload.TryAdd(a.Id, 0);
            agentCost.TryAdd(a.Id, 0);
            agentTasks.TryAdd(a.Id, 0);
        }

        var rows = new List<TaskScore>(ordered.Count);
        int makespan = 0;
        double cost = 0, tardiness = 0, priority = 0, preferences = 0;
        foreach (var a in ordered)
        {
            var task = tasks[a.Task];
            Agent? agent = null;
            if (a.Agent is null)
            {
                if (problem.Agents.Count > 0)
                {
                    violations.Add(new("no-agent", a.Task, null, 1, $"task '{a.Task}' has no agent, but the problem has agents."));
                }
            }
            else if (!agents.TryGetValue(a.Agent, out agent))
            {
                violations.Add(new("unknown-agent", a.Task, a.Agent, 1, $"task '{a.Task}' is assigned to '{a.Agent}', which is not an agent."));
            }

            var length = a.End - a.Start;
            var expected = task.DurationOn(agent?.Id);
            if (length != expected)
            {
                violations.Add(new("duration", a.Task, a.Agent, Math.Abs(length - expected), $"task '{a.Task}' runs {length} units ([{a.Start}, {a.End})) but takes {expected} on this agent."));
            }

            if (agent is not null)
            {
                var missing = agent.MissingSkills(task);
                if (missing.Count > 0)
                {
                    violations.Add(new("skill", a.Task, agent.Id, missing.Count, $"agent '{agent.Id}' lacks [{string.Join(", ", missing)}] for task '{a.Task}'."));
                }

                if (!agent.IsAvailable(a.Start, a.End))
                {
                    violations.Add(new("availability", a.Task, agent.Id, OutsideWindows(agent, a.Start, a.End), $"task '{a.Task}' [{a.Start}, {a.End}) is not inside one availability window of agent '{agent.Id}'."));
                }

                workload[agent.Id] += length;
                agentTasks[agent.Id]++;
            }

            if (a.Start < task.EarliestStart)
            {
                violations.Add(new("earliest-start", a.Task, a.Agent, task.EarliestStart - a.Start, $"task '{a.Task}' starts at {a.Start}, before its earliest start {task.EarliestStart}."));
            }

            foreach (var dep in task.DependsOn)
            {
                if (!placed.TryGetValue(dep, out var d))
                {
                    violations.Add(new("precedence", a.Task, a.Agent, 1, $"task '{a.Task}' depends on '{dep}', which is not scheduled."));
                }
                else if (d.End > a.Start)
                {
                    violations.Add(new("precedence", a.Task, a.Agent, d.End - a.Start, $"task '{a.Task}' starts at {a.Start}, before its dependency '{dep}' ends at {d.End}."));
                }
            }

            var late = task.Deadline is { } dl ? Math.Max(0, a.End - dl) : 0;
            if (late > 0 && problem.HardDeadlines)
            {
                violations.Add(new("deadline", a.Task, a.Agent, late, $"task '{a.Task}' ends at {a.End}, {late} after its deadline {task.Deadline}."));
            }

            if (problem.Horizon is { } h && a.End > h)
            {
                violations.Add(new("horizon", a.Task, a.Agent, a.End - h, $"task '{a.Task}' ends at {a.End}, beyond the horizon {h}."));
            }

            var c = task.CostOn(agent);
            var pref = task.PreferenceFor(agent?.Id);
            if (agent is not null)
            {
                agentCost[agent.Id] += c;
            }

            makespan = Math.Max(makespan, a.End);
            cost += c;
            tardiness += late;
            priority += task.Priority * a.End;
            preferences -= pref;
            rows.Add(new TaskScore(a.Task, agent?.Id, a.Start, a.End, c, late, task.Priority * a.End, pref));
        }

        var unassigned = new List<string>();
        foreach (var t in problem.Tasks)
        {
            if (placed.ContainsKey(t.Id))
            {
                continue;
            }

            if (t.Optional)
            {
                unassigned.Add(t.Id);
            }
            else
            {
                violations.Add(new("missing-task", t.Id, null, 1, $"required task '{t.Id}' is not scheduled."));
            }
        }

        foreach (var agent in problem.Agents)
        {
            if (agent.MaxWorkload is { } max && workload[agent.Id] > max)
            {
                violations.Add(new("max-workload", null, agent.Id, workload[agent.Id] - max, $"agent '{agent.Id}' works {workload[agent.Id]} units, above its maxWorkload {max}."));
            }
        }

        CheckAgentCapacity(ordered, agents, violations);
        CheckResourceCapacity(problem, ordered, tasks, violations);

        var loadBalance = 0;
        if (problem.Agents.Count > 0)
        {
            var min = int.MaxValue;
            var maxLoad = int.MinValue;
            foreach (var a in problem.Agents)
            {
                min = Math.Min(min, workload[a.Id]);
                maxLoad = Math.Max(maxLoad, workload[a.Id]);
            }

            loadBalance = maxLoad - min;
        }

        var w = problem.Objective;
        ScoreTerm[] breakdown =
        [
            new("makespan", w.Makespan, makespan),
            new("cost", w.Cost, cost),
            new("tardiness", w.Tardiness, tardiness),
            new("loadBalance", w.LoadBalance, loadBalance),
            new("priority", w.Priority, priority),
            new("preferences", w.Preferences, preferences),
            new("unassigned", w.Unassigned, unassigned.Count),
        ];
        var objective = 0.0;
        foreach (var term in breakdown)
        {
            objective += term.Weight * term.Value;
        }

        var score = new Score { Objective = objective, Breakdown = breakdown, Violations = violations };
        var metrics = new PlanMetrics { Makespan = makespan, Cost = cost, Tardiness = tardiness, Workload = workload };
        var agentRows = problem.Agents.Select(a => new AgentScore(a.Id, agentTasks[a.Id], workload[a.Id], agentCost[a.Id])).ToList();
        return new ScoredPlan(score, metrics, unassigned, rows, agentRows);
    }

    private static int OutsideWindows(Agent agent, int start, int end)
    {
        var best = 0;
        foreach (var w in agent.Availability)
        {
            best = Math.Max(best, Math.Min(end, w.End) - Math.Max(start, w.Start));
        }

        return Math.Max(1, end - start - best);
    }

    private static void CheckAgentCapacity(List<Assignment> ordered, Dictionary<string, Agent> agents, List<Violation> violations)
    {
        foreach (var group in ordered.Where(a => a.Agent is not null && agents.ContainsKey(a.Agent)).GroupBy(a => a.Agent!, StringComparer.Ordinal))
        {
            var capacity = agents[group.Key].Capacity;
            foreach (var (assignment, load) in Sweep(group.Select(a => (a, 1))))
            {
                if (load > capacity)
                {
                    violations.Add(new("agent-capacity", assignment.Task, group.Key, load - capacity, $"agent '{group.Key}' runs {load} tasks at once when '{assignment.Task}' starts at {assignment.Start}; its capacity is {capacity}."));
                }
            }
        }
    }

    private static void CheckResourceCapacity(PlanningProblem problem, List<Assignment> ordered, Dictionary<string, PlanningTask> tasks, List<Violation> violations)
    {
        foreach (var resource in problem.Resources)
        {
            var users = new List<(Assignment, int)>();
            foreach (var a in ordered)
            {
                if (tasks[a.Task].Resources.TryGetValue(resource.Id, out var demand) && demand > 0)
                {
                    users.Add((a, demand));
                }
            }

            foreach (var (assignment, load) in Sweep(users))
            {
                if (load > resource.Capacity)
                {
                    violations.Add(new("resource-capacity", assignment.Task, assignment.Agent, load - resource.Capacity, $"resource '{resource.Id}' is used {load} at {assignment.Start} when '{assignment.Task}' starts; its capacity is {resource.Capacity}."));
                }
            }
        }
    }

    /// <summary>For each interval, the total demand running just after it starts (ends at the same instant free their share first).</summary>
    private static IEnumerable<(Assignment Assignment, int Load)> Sweep(IEnumerable<(Assignment Assignment, int Demand)> items)
    {
        var events = new List<(int Time, int Kind, int Demand, Assignment Assignment)>();
        foreach (var (a, d) in items)
        {
            if (a.End <= a.Start)
            {
                continue;
            }

            events.Add((a.Start, 1, d, a));
            events.Add((a.End, 0, -d, a));
        }

        events.Sort((x, y) => x.Time != y.Time ? x.Time.CompareTo(y.Time) : x.Kind.CompareTo(y.Kind));
        var load = 0;
        var result = new List<(Assignment, int)>();
        foreach (var e in events)
        {
            load += e.Demand;
            if (e.Kind == 1)
            {
                result.Add((e.Assignment, load));
            }
        }

        return result;
    }
}
