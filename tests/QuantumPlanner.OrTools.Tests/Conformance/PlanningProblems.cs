using QuantumPlanner.Core.Planning;
using QuantumPlanner.OrTools.CpSat;
using QuantumPlanner.OrTools.Lns;
using QuantumPlanner.Solvers.Planning.Generation;
using QuantumPlanner.Solvers.Planning.Greedy;

namespace QuantumPlanner.OrTools.Tests.Conformance;

/// <summary>Every planning backend by name, and the seeded problems the conformance suite runs them on.</summary>
internal static class PlanningProblems
{
    /// <summary>Every backend the composition root builds: a new one enters the suite by being composed there.</summary>
    public static readonly string[] Backends = [.. PlanningBackends.Create().All().Select(b => b.Name)];

    /// <summary>Every term weighted, so each one's incremental update is exercised.</summary>
    public static readonly ObjectiveWeights EveryTerm = new()
    {
        Makespan = 1,
        Cost = 0.5,
        Tardiness = 2,
        LoadBalance = 1,
        Priority = 0.25,
        Preferences = 1,
        Unassigned = 7,
        Changes = 3,
    };

    /// <summary>The composed backend of that name; the CP-SAT ones with one worker, which makes them reproducible for a seed.</summary>
    public static IPlanningBackend Create(string name) => name switch
    {
        CpSatBackend.BackendName => new CpSatBackend(1),
        AssignmentLnsBackend.BackendName => new AssignmentLnsBackend(new CpSatBackend(1), 1),
        _ => PlanningBackends.Create().All().Single(b => b.Name == name),
    };

    /// <summary>Whether the backend takes this shape of problem, as it says itself (cpsat-lns: pure assignment only; anneal: every problem).</summary>
    public static bool Supports(string backend, PlanningProblem problem) => Create(backend).Accepts(problem);

    /// <summary>
    /// Tiny seeded problems (small enough for exact): schedules with dependencies, resources, windows, a milestone on
    /// odd seeds and a baseline with one pin; pure assignment problems, the only shape cpsat-lns takes; and problems
    /// without agents (RCPSP-like).
    /// </summary>
    public static IEnumerable<PlanningProblem> Tiny()
    {
        for (ulong seed = 1; seed <= 8; seed++)
        {
            yield return Scheduling(seed);
        }

        for (ulong seed = 1; seed <= 4; seed++)
        {
            yield return Assignment(seed);
        }

        for (ulong seed = 1; seed <= 4; seed++)
        {
            yield return WithoutAgents(seed);
        }
    }

    /// <summary>
    /// RCPSP-like (no agents): six tasks on two shared resources with dependencies, a milestone on odd seeds, an earliest
    /// start, soft deadlines on even seeds (priority and tardiness weighted) and, on seeds 3 and 4, a baseline with one pin.
    /// </summary>
    public static PlanningProblem WithoutAgents(ulong seed)
    {
        var random = new Random((int)seed + 100);
        var resources = new List<Resource> { new() { Id = "crane", Capacity = 2 }, new() { Id = "crew", Capacity = 3 } };
        var tasks = Enumerable.Range(0, 6).Select(t => new PlanningTask
        {
            Id = $"w{t}",
            Duration = seed % 2 == 1 && t == 2 ? 0 : 1 + random.Next(4),
            Priority = random.Next(1, 4),
            EarliestStart = t == 4 ? 1 + random.Next(3) : 0,
            Deadline = seed % 2 == 0 && t % 2 == 1 ? 3 + random.Next(5) : null,
            DependsOn = t > 0 && random.Next(2) == 0 ? [$"w{random.Next(t)}"] : [],
            Resources = seed % 2 == 1 && t == 2 ? new Dictionary<string, int>() : new Dictionary<string, int> { ["crane"] = 1 + random.Next(2), ["crew"] = 1 + random.Next(3) },
        }).ToList();
        var problem = new PlanningProblem
        {
            Name = $"tiny-without-agents-{seed}",
            Resources = resources,
            Tasks = tasks,
            HardDeadlines = seed % 2 == 1,
            Objective = new ObjectiveWeights { Makespan = 1, Priority = seed % 2 == 0 ? 0.25 : 0, Tardiness = seed % 2 == 0 ? 2 : 0 },
        };
        return seed >= 3 ? WithBaseline(problem) : problem;
    }

    public static PlanningProblem Scheduling(ulong seed)
    {
        var generated = ProblemGenerator.Generate(new GeneratorOptions
        {
            Agents = 2 + (int)(seed % 2),
            Tasks = 5,
            Dependencies = 0.4,
            Resources = (int)(seed % 2),
            TimeWindows = seed % 3 == 0,
            Seed = seed,
        });
        var tasks = generated.Tasks.ToList();
        if (seed % 2 == 1)
        {
            tasks[1] = tasks[1] with { Id = "milestone", Duration = 0, DurationByAgent = new Dictionary<string, int>(), Resources = new Dictionary<string, int>() };
            tasks = tasks.Select(t => t with { DependsOn = t.DependsOn.Select(d => d == generated.Tasks[1].Id ? "milestone" : d).ToList() }).ToList();
        }

        if (seed % 3 == 0)
        {
            // A task that is a milestone on one agent only (a sign-off that takes that agent no time).
            var byAgent = new Dictionary<string, int>(tasks[2].DurationByAgent) { [generated.Agents[0].Id] = 0 };
            tasks[2] = tasks[2] with { DurationByAgent = byAgent, RequiredSkills = [] };
        }

        var problem = generated with { Name = $"tiny-schedule-{seed}", Tasks = tasks, HardDeadlines = seed % 4 != 0, Objective = EveryTerm };
        return WithBaseline(problem);
    }

    public static PlanningProblem Assignment(ulong seed)
    {
        var random = new Random((int)seed);
        var agents = Enumerable.Range(0, 3).Select(a => new Agent { Id = $"a{a}", Capacity = 6, MaxWorkload = 6 + random.Next(4) }).ToList();
        var tasks = Enumerable.Range(0, 6).Select(t => new PlanningTask
        {
            Id = $"j{t}",
            Duration = 1 + random.Next(3),
            DurationByAgent = agents.ToDictionary(a => a.Id, _ => 1 + random.Next(4)),
            CostByAgent = agents.ToDictionary(a => a.Id, _ => (double)random.Next(1, 20)),
            Optional = t == 5,
        }).ToList();
        var problem = new PlanningProblem
        {
            Name = $"tiny-assignment-{seed}",
            Agents = agents,
            Tasks = tasks,
            Objective = new ObjectiveWeights { Makespan = 0, Cost = 1, Preferences = 1, Unassigned = 40, Changes = 0 },
        };
        return seed % 2 == 0 ? problem : WithBaseline(problem with { Objective = problem.Objective with { Changes = 5 } });
    }

    /// <summary>A baseline from another plan of the problem (greedy under other weights), with its first assignment pinned when that is valid.</summary>
    private static PlanningProblem WithBaseline(PlanningProblem problem)
    {
        var other = problem with { Objective = new ObjectiveWeights { Cost = 1, Makespan = problem.Objective.Makespan == 0 ? 0 : 1, Unassigned = 100 } };
        var plan = new GreedyBackend().Solve(other, new PlanningOptions(), CancellationToken.None).Assignments;
        var baseline = plan.Select((a, i) => new BaselineAssignment { Task = a.Task, Agent = a.Agent, Start = a.Start, End = a.End, Pinned = i == 0 }).ToList();
        var pinned = problem with { Baseline = new PlanBaseline { Assignments = baseline } };
        if (ProblemValidator.Validate(pinned).Count == 0)
        {
            return pinned;
        }

        return problem with { Baseline = new PlanBaseline { Assignments = baseline.Select(b => b with { Pinned = false }).ToList() } };
    }
}
