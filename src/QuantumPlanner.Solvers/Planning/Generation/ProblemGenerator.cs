using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.Greedy;
using QuantumPlanner.Solvers.Planning.ScheduleGeneration;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Planning.Generation;

/// <summary>What <see cref="ProblemGenerator"/> makes.</summary>
public sealed record GeneratorOptions
{
    public int Agents { get; init; } = 5;

    public int Tasks { get; init; } = 20;

    /// <summary>Distinct skills; null picks about one per two agents (at least 2, at most 12).</summary>
    public int? Skills { get; init; }

    /// <summary>Probability that a task depends on earlier tasks.</summary>
    public double Dependencies { get; init; } = 0.3;

    /// <summary>Give agents working shifts (availability windows) instead of always being available.</summary>
    public bool TimeWindows { get; init; }

    public int Resources { get; init; }

    public ulong Seed { get; init; } = 1;

    /// <summary>Add two tasks that only one agent can do and that both must finish at once: each is possible alone, together they are not.</summary>
    public bool Infeasible { get; init; }
}

/// <summary>
/// Random but realistic planning problems: skills spread over agents, tasks needing one or two skills that some
/// agent holds together, dependency chains between nearby tasks, shared resources, shifts. Deadlines, the horizon
/// and workload caps are set from a greedy plan of the problem without them, with slack, so the problem is
/// feasible (that plan satisfies them) unless <see cref="GeneratorOptions.Infeasible"/> asks otherwise.
/// Same options and seed → same problem.
/// </summary>
public static class ProblemGenerator
{
    private static readonly string[] SkillNames =
    [
        "python", "ml", "backend", "frontend", "devops", "data", "qa", "design", "security", "mobile", "docs", "sql",
    ];

    private const int ShiftLength = 12;
    private const int ShiftWork = 9;

    public static PlanningProblem Generate(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Agents < 1 || options.Tasks < 1)
        {
            throw new ArgumentException($"Need at least one agent and one task (got {options.Agents} agents, {options.Tasks} tasks). Maybe pass --agents 5 --tasks 20.", nameof(options));
        }

        if (options.Agents > PlanningLimits.MaxAgents || options.Tasks > PlanningLimits.MaxTasks)
        {
            throw new ArgumentException($"At most {PlanningLimits.MaxAgents} agents and {PlanningLimits.MaxTasks} tasks (got {options.Agents}, {options.Tasks}).", nameof(options));
        }

        if (options.Dependencies is < 0 or > 1 || !double.IsFinite(options.Dependencies))
        {
            throw new ArgumentException($"--dependencies is {options.Dependencies}; it is a probability between 0 and 1. Maybe pass 0.3.", nameof(options));
        }

        var rng = new Xoshiro256(options.Seed);
        var skillCount = Math.Clamp(options.Skills ?? Math.Clamp(options.Agents / 2, 2, 12), 1, 100);
        var skills = Enumerable.Range(0, skillCount).Select(i => i < SkillNames.Length ? SkillNames[i] : $"skill-{i + 1}").ToArray();
        var (agents, offsets) = MakeAgents(options, skills, ref rng);
        var resources = Enumerable.Range(1, Math.Max(0, options.Resources))
            .Select(i => new Resource { Id = options.Resources == 1 ? "gpu" : $"res-{i}", Capacity = 1 + rng.NextInt(3) })
            .ToList();
        var tasks = MakeTasks(options, agents, resources, ref rng);
        var problem = new PlanningProblem
        {
            Name = $"generated-a{options.Agents}-t{options.Tasks}-s{options.Seed}",
            Agents = agents,
            Resources = resources,
            Tasks = tasks,
            Objective = new ObjectiveWeights { Makespan = 1, Cost = 0.01, LoadBalance = 0.1, Priority = 0.05, Preferences = 1, Unassigned = 100 },
        };

        // The witness plan must place every task; with shifts, busy resources can push work past the last shift,
        // so add shifts until it fits (without shifts and caps the schedule generator always places everything).
        var shifts = 4 + (4 * options.Tasks / options.Agents) + 40;
        while (true)
        {
            if (options.TimeWindows)
            {
                problem = problem with { Agents = WithShifts(agents, offsets, shifts) };
            }

            var compiled = new CompiledProblem(problem);
            var witness = new ScheduleBuilder(compiled);
            GreedyScheduler.Run(compiled, witness, PriorityRule.LatestStart);
            if (Array.TrueForAll(witness.Scheduled, s => s) || !options.TimeWindows || shifts * ShiftLength > PlanningLimits.MaxTime / 2)
            {
                problem = Tighten(problem, witness, ref rng);
                break;
            }

            shifts *= 2;
        }

        return options.Infeasible ? AddConflict(problem) : problem;
    }

    private static List<Agent> WithShifts(List<Agent> agents, int[] offsets, int shifts)
    {
        var result = new List<Agent>(agents.Count);
        for (var i = 0; i < agents.Count; i++)
        {
            var windows = new List<TimeWindow>(shifts);
            for (var d = 0; d < shifts; d++)
            {
                windows.Add(new TimeWindow((d * ShiftLength) + offsets[i], (d * ShiftLength) + offsets[i] + ShiftWork));
            }

            result.Add(agents[i] with { Availability = windows });
        }

        return result;
    }

    private static (List<Agent> Agents, int[] Offsets) MakeAgents(GeneratorOptions o, string[] skills, ref Xoshiro256 rng)
    {
        var agents = new List<Agent>(o.Agents);
        var offsets = new int[o.Agents];
        for (var i = 0; i < o.Agents; i++)
        {
            // Every skill is held by someone: agent i always has skill i mod k, plus up to two more.
            var held = new SortedSet<int> { i % skills.Length };
            var extra = rng.NextInt(3);
            for (var k = 0; k < extra; k++)
            {
                held.Add(rng.NextInt(skills.Length));
            }

            // Shifts of 9 working units every 12, staggered; agent 1 starts at 0 so --infeasible's audits can start at once.
            offsets[i] = i == 0 ? 0 : rng.NextInt(4);
            agents.Add(new Agent
            {
                Id = $"agent-{i + 1:D2}",
                Skills = held.Select(s => skills[s]).ToList(),
                Capacity = rng.NextInt(5) == 0 ? 2 : 1,
                CostPerUnit = 20 + (5 * rng.NextInt(17)),
            });
        }

        return (agents, offsets);
    }

    private static List<PlanningTask> MakeTasks(GeneratorOptions o, List<Agent> agents, List<Resource> resources, ref Xoshiro256 rng)
    {
        var tasks = new List<PlanningTask>(o.Tasks);
        for (var i = 0; i < o.Tasks; i++)
        {
            // Required skills come from one agent's set, so someone can always do the task.
            var owner = agents[rng.NextInt(agents.Count)];
            var required = new SortedSet<string>(StringComparer.Ordinal) { owner.Skills[rng.NextInt(owner.Skills.Count)] };
            if (owner.Skills.Count > 1 && rng.NextInt(3) == 0)
            {
                required.Add(owner.Skills[rng.NextInt(owner.Skills.Count)]);
            }

            var duration = 1 + rng.NextInt(8);
            var durationByAgent = new Dictionary<string, int>(StringComparer.Ordinal);
            var preferred = new Dictionary<string, double>(StringComparer.Ordinal);
            var capable = agents.Where(a => required.All(s => a.Skills.Contains(s))).ToList();
            if (capable.Count > 1 && rng.NextInt(3) == 0)
            {
                var slow = capable[rng.NextInt(capable.Count)];
                durationByAgent[slow.Id] = Math.Min(ShiftWork, duration + 1 + rng.NextInt(3));
            }

            if (rng.NextInt(5) == 0)
            {
                preferred[capable[rng.NextInt(capable.Count)].Id] = 1 + rng.NextInt(3);
            }

            var depends = new SortedSet<string>(StringComparer.Ordinal);
            if (i > 0 && rng.NextDouble() < o.Dependencies)
            {
                var count = 1 + rng.NextInt(2);
                for (var k = 0; k < count; k++)
                {
                    var back = 1 + rng.NextInt(Math.Min(i, 10));
                    depends.Add(tasks[i - back].Id);
                }
            }

            var demand = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var r in resources)
            {
                if (rng.NextInt(10) < 3)
                {
                    demand[r.Id] = 1 + rng.NextInt(r.Capacity);
                }
            }

            tasks.Add(new PlanningTask
            {
                Id = $"task-{i + 1:D3}",
                RequiredSkills = required.ToList(),
                Duration = duration,
                DurationByAgent = durationByAgent,
                Priority = 1 + rng.NextInt(5),
                EarliestStart = rng.NextInt(5) == 0 ? rng.NextInt(2 + (o.Tasks / 2)) : 0,
                DependsOn = depends.ToList(),
                Resources = demand,
                Optional = rng.NextInt(10) == 0,
                PreferredAgents = preferred,
            });
        }

        return tasks;
    }

    /// <summary>Deadlines, horizon and workload caps from a greedy plan, with slack so that plan meets them.</summary>
    private static PlanningProblem Tighten(PlanningProblem problem, ScheduleBuilder builder, ref Xoshiro256 rng)
    {
        var tasks = new List<PlanningTask>(problem.Tasks.Count);
        var makespan = Math.Max(1, builder.Makespan);
        for (var t = 0; t < problem.Tasks.Count; t++)
        {
            var task = problem.Tasks[t];
            if (!builder.Scheduled[t])
            {
                tasks.Add(task with { Optional = true });
                continue;
            }

            if (rng.NextInt(10) < 4)
            {
                var end = builder.TaskEnd[t];
                tasks.Add(task with { Deadline = end + (end / 4) + rng.NextInt(1 + (makespan / 5)) });
            }
            else
            {
                tasks.Add(task);
            }
        }

        var agents = new List<Agent>(problem.Agents.Count);
        for (var a = 0; a < problem.Agents.Count; a++)
        {
            var load = builder.Workload(a);
            agents.Add(rng.NextInt(10) < 3 && load > 0 ? problem.Agents[a] with { MaxWorkload = load + 8 + (load / 2) } : problem.Agents[a]);
        }

        return problem with { Tasks = tasks, Agents = agents, Horizon = Math.Min(PlanningLimits.MaxTime, (makespan * 3 / 2) + 20) };
    }

    private static PlanningProblem AddConflict(PlanningProblem problem)
    {
        var first = problem.Agents[0] with
        {
            Skills = [.. problem.Agents[0].Skills, "certified"],
            Capacity = 1,
            MaxWorkload = null,
        };
        var agents = problem.Agents.Skip(1).Prepend(first).ToList();
        var clash = new[]
        {
            new PlanningTask { Id = "audit-a", RequiredSkills = ["certified"], Duration = 4, Deadline = 4, Priority = 5 },
            new PlanningTask { Id = "audit-b", RequiredSkills = ["certified"], Duration = 4, Deadline = 4, Priority = 5 },
        };
        return problem with { Name = problem.Name + "-infeasible", Agents = agents, Tasks = [.. problem.Tasks, .. clash], HardDeadlines = true };
    }
}
