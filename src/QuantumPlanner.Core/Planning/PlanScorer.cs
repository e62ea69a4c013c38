namespace QuantumPlanner.Core.Planning;

/// <summary>What one task contributes to a plan's score (for --explain).</summary>
public sealed record TaskScore(string Task, string? Agent, int Start, int End, double Cost, int Tardiness, double PriorityTerm, double Preference);

/// <summary>One agent's share of a plan (for --explain).</summary>
public sealed record AgentScore(string Agent, int Tasks, int Workload, double Cost);

/// <summary>The full judgement of a plan: score, metrics, dropped tasks and the per-task and per-agent breakdown.</summary>
public sealed record ScoredPlan(Score Score, PlanMetrics Metrics, IReadOnlyList<string> Unassigned, IReadOnlyList<TaskScore> Tasks, IReadOnlyList<AgentScore> Agents);

/// <summary>
/// The one scorer for every plan, whatever produced it: every hard constraint of <see cref="HardConstraints"/> (each
/// violation names constraint, task/agent and amount) and every objective term of <see cref="ObjectiveCatalogue"/>,
/// minimised as Σ weight × value, reported in catalogue order.
/// </summary>
public static class PlanScorer
{

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
                violations.Add(new(HardConstraints.UnknownTask, a.Task, a.Agent, 1, $"the plan assigns '{a.Task}', which is not a task of the problem."));
            }
            else if (!placed.TryAdd(a.Task, a))
            {
                violations.Add(new(HardConstraints.DuplicateAssignment, a.Task, a.Agent, 1, $"task '{a.Task}' is assigned more than once; only the first counts."));
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

        var baseline = problem.BaselineByTask();
        var changes = 0;
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
                    violations.Add(new(HardConstraints.NoAgent, a.Task, null, 1, $"task '{a.Task}' has no agent, but the problem has agents."));
                }
            }
            else if (!agents.TryGetValue(a.Agent, out agent))
            {
                violations.Add(new(HardConstraints.UnknownAgent, a.Task, a.Agent, 1, $"task '{a.Task}' is assigned to '{a.Agent}', which is not an agent."));
            }

            var length = a.End - a.Start;
            var expected = task.DurationOn(agent?.Id);
            if (length != expected)
            {
                violations.Add(new(HardConstraints.Duration, a.Task, a.Agent, Math.Abs(length - expected), $"task '{a.Task}' runs {length} units ([{a.Start}, {a.End})) but takes {expected} on this agent."));
            }

            if (agent is not null)
            {
                var missing = agent.MissingSkills(task);
                if (missing.Count > 0)
                {
                    violations.Add(new(HardConstraints.Skill, a.Task, agent.Id, missing.Count, $"agent '{agent.Id}' lacks [{string.Join(", ", missing)}] for task '{a.Task}'."));
                }

                if (!agent.IsAvailable(a.Start, a.End))
                {
                    violations.Add(new(HardConstraints.Availability, a.Task, agent.Id, OutsideWindows(agent, a.Start, a.End), $"task '{a.Task}' [{a.Start}, {a.End}) is not inside one availability window of agent '{agent.Id}'."));
                }

                workload[agent.Id] += length;
                agentTasks[agent.Id]++;
            }

            if (a.Start < task.EarliestStart)
            {
                violations.Add(new(HardConstraints.EarliestStart, a.Task, a.Agent, task.EarliestStart - a.Start, $"task '{a.Task}' starts at {a.Start}, before its earliest start {task.EarliestStart}."));
            }

            foreach (var dep in task.DependsOn)
            {
                if (!placed.TryGetValue(dep, out var d))
                {
                    violations.Add(new(HardConstraints.Precedence, a.Task, a.Agent, 1, $"task '{a.Task}' depends on '{dep}', which is not scheduled."));
                }
                else if (d.End > a.Start)
                {
                    violations.Add(new(HardConstraints.Precedence, a.Task, a.Agent, d.End - a.Start, $"task '{a.Task}' starts at {a.Start}, before its dependency '{dep}' ends at {d.End}."));
                }
            }

            var late = task.Deadline is { } dl ? Math.Max(0, a.End - dl) : 0;
            if (late > 0 && problem.HardDeadlines)
            {
                violations.Add(new(HardConstraints.Deadline, a.Task, a.Agent, late, $"task '{a.Task}' ends at {a.End}, {late} after its deadline {task.Deadline}."));
            }

            if (problem.Horizon is { } h && a.End > h)
            {
                violations.Add(new(HardConstraints.Horizon, a.Task, a.Agent, a.End - h, $"task '{a.Task}' ends at {a.End}, beyond the horizon {h}."));
            }

            if (baseline.TryGetValue(a.Task, out var held))
            {
                var keeps = held.KeepsBaseline(agent?.Id ?? a.Agent, a.Start);
                changes += keeps ? 0 : 1;
                if (!keeps && held.Pinned)
                {
                    violations.Add(new(HardConstraints.Pinned, a.Task, a.Agent, 1, $"task '{a.Task}' is pinned to agent '{held.Agent}' at {held.Start} but runs on '{a.Agent}' at {a.Start}."));
                }
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

            if (baseline.TryGetValue(t.Id, out var held))
            {
                changes++;
                if (held.Pinned)
                {
                    violations.Add(new(HardConstraints.Pinned, t.Id, held.Agent, 1, $"task '{t.Id}' is pinned to agent '{held.Agent}' at {held.Start} but is not scheduled."));
                }
            }

            if (t.Optional)
            {
                unassigned.Add(t.Id);
            }
            else
            {
                violations.Add(new(HardConstraints.MissingTask, t.Id, null, 1, $"required task '{t.Id}' is not scheduled."));
            }
        }

        foreach (var agent in problem.Agents)
        {
            if (agent.MaxWorkload is { } max && workload[agent.Id] > max)
            {
                violations.Add(new(HardConstraints.MaxWorkload, null, agent.Id, workload[agent.Id] - max, $"agent '{agent.Id}' works {workload[agent.Id]} units, above its maxWorkload {max}."));
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
        var values = default(TermValues);
        values[(int)ObjectiveTerm.Makespan] = makespan;
        values[(int)ObjectiveTerm.Cost] = cost;
        values[(int)ObjectiveTerm.Tardiness] = tardiness;
        values[(int)ObjectiveTerm.LoadBalance] = loadBalance;
        values[(int)ObjectiveTerm.Priority] = priority;
        values[(int)ObjectiveTerm.Preferences] = preferences;
        values[(int)ObjectiveTerm.Unassigned] = unassigned.Count;
        values[(int)ObjectiveTerm.Changes] = changes;
        var breakdown = new ScoreTerm[ObjectiveCatalogue.Count];
        var objective = 0.0;
        foreach (var info in ObjectiveCatalogue.Terms)
        {
            var weight = w[info.Term];
            breakdown[(int)info.Term] = new ScoreTerm(info.Name, weight, values[(int)info.Term]);
            objective += weight * values[(int)info.Term];
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
                    violations.Add(new(HardConstraints.AgentCapacity, assignment.Task, group.Key, load - capacity, $"agent '{group.Key}' runs {load} tasks at once when '{assignment.Task}' starts at {assignment.Start}; its capacity is {capacity}."));
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
                    violations.Add(new(HardConstraints.ResourceCapacity, assignment.Task, assignment.Agent, load - resource.Capacity, $"resource '{resource.Id}' is used {load} at {assignment.Start} when '{assignment.Task}' starts; its capacity is {resource.Capacity}."));
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
