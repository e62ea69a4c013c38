using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Qubo.Compilation;

namespace QuantumPlanner.Core.Tests.Qubo;

/// <summary>
/// The compiler beyond pure assignment: problems with dependencies, soft deadlines and every objective term weighted
/// compile to the assignment surrogate (linear pair and drop terms, quadratic workload terms for load balance and
/// makespan, one-hot and maxWorkload penalties). Small enough to enumerate every state.
/// </summary>
public sealed class SurrogateCompilerTests
{
    private static readonly ObjectiveWeights EveryTerm = new()
    {
        Makespan = 2,
        Cost = 0.5,
        Tardiness = 3,
        LoadBalance = 1.5,
        Priority = 0.25,
        Preferences = 2,
        Unassigned = 9,
        Changes = 4,
    };

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var s = 1; s <= 10; s++)
        {
            data.Add(s);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compile_EveryTermWeighted_ExactGroundStateDecodesToTheBruteForceOptimum(int seed)
    {
        var terms = Surrogate(seed);
        var compiled = AssignmentQuboCompiler.Compile(terms);
        var optimum = BruteForce(terms).Min(kv => kv.Value);

        var (ground, energy) = StateEnumeration.GroundState(compiled.Model);
        var (agentOf, feasible) = compiled.Decode(ground);

        Assert.True(feasible);
        var (cost, overload) = terms.Evaluate(agentOf);
        Assert.Equal(0, overload);
        Assert.Equal(optimum, cost, 6);
        Assert.Equal(optimum, energy, 6);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compile_EveryFeasibleAssignment_HasTheSurrogateObjectiveAsItsLowestEnergy(int seed)
    {
        var terms = Surrogate(seed);
        var compiled = AssignmentQuboCompiler.Compile(terms, penalty: 5);
        var lowest = new Dictionary<string, double>(StringComparer.Ordinal);

        StateEnumeration.ForEach(compiled.Model, (state, energy) =>
        {
            var (agentOf, feasible) = compiled.Decode(state);
            var key = string.Join(',', agentOf);
            if (feasible && (!lowest.TryGetValue(key, out var seen) || energy < seen))
            {
                lowest[key] = energy;
            }
        });

        // Whatever the penalty weight, a feasible assignment with its slack set right pays no penalty.
        var expected = BruteForce(terms);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), lowest.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected)
        {
            Assert.Equal(value, lowest[key], 6);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compile_EachConstraintKindViolated_CostsMoreThanTheBestFeasibleState(int seed)
    {
        var terms = Surrogate(seed);
        var compiled = AssignmentQuboCompiler.Compile(terms);
        var optimum = BruteForce(terms).Min(kv => kv.Value);
        var (twice, none, over) = (double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity);

        StateEnumeration.ForEach(compiled.Model, (state, energy) =>
        {
            var chosen = new int[terms.TaskCount];
            var load = new long[terms.AgentCount];
            for (var i = 0; i < state.Length; i++)
            {
                var v = compiled.Variables[i];
                if (state[i] == 1 && !v.IsSlack)
                {
                    chosen[v.Task]++;
                    load[v.IsAssignment ? v.Agent : 0] += v.IsAssignment ? terms.Load(v.Task, v.Agent) : 0;
                }
            }

            twice = chosen.Any(c => c > 1) ? Math.Min(twice, energy) : twice;
            none = chosen.Any(c => c == 0) ? Math.Min(none, energy) : none;
            over = Enumerable.Range(0, terms.AgentCount).Any(a => load[a] > terms.Capacity[a]) ? Math.Min(over, energy) : over;
        });

        Assert.True(twice > optimum, $"a task on two agents (or on one and dropped): {twice} ≤ {optimum}");
        Assert.True(none > optimum, $"a task on no agent and not dropped: {none} ≤ {optimum}");
        Assert.True(over > optimum, $"an agent over its maxWorkload: {over} ≤ {optimum}");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Create_WhereEveryTaskStartsAtItsEarliestStart_LinearTermsAreTheScorersObjective(int seed)
    {
        // No dependencies, room for every task at once, no makespan or load balance: the earliest-start view is the
        // schedule, so the linear terms (cost, preferences, priority, tardiness, changes, drops) are the scorer's
        // objective; the pair waits are the surrogate's guess at what sharing an agent costs, which here it does not.
        var problem = Problem(seed) with
        {
            Tasks = Problem(seed).Tasks.Select(t => t with { DependsOn = [] }).ToList(),
            Agents = Problem(seed).Agents.Select(a => a with { Capacity = 10 }).ToList(),
            Objective = EveryTerm with { Makespan = 0, LoadBalance = 0 },
        };
        var terms = AssignmentSurrogate.Create(problem)!;

        foreach (var key in BruteForce(terms).Keys)
        {
            var agentOf = key.Split(',').Select(int.Parse).ToArray();
            var linear = Enumerable.Range(0, agentOf.Length).Sum(t => terms.Cost(t, agentOf[t]));
            var plan = new List<Assignment>();
            for (var t = 0; t < agentOf.Length; t++)
            {
                if (agentOf[t] != PureAssignment.Dropped)
                {
                    var task = problem.Tasks[t];
                    var agent = problem.Agents[agentOf[t]];
                    plan.Add(new Assignment(task.Id, agent.Id, task.EarliestStart, task.EarliestStart + task.DurationOn(agent.Id)));
                }
            }

            Assert.Equal(PlanScorer.Score(problem, plan).Score.Objective, linear, 6);
        }
    }

    [Fact]
    public void Create_LoadBalance_OneTasksWorthOfImbalanceCostsWhatTheScorerCharges()
    {
        // Two agents, two tasks of duration 3 each: both on one agent is a range of 6 against 0 when split.
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "a" }, new Agent { Id = "b" }],
            Tasks = [new PlanningTask { Id = "t1", Duration = 3 }, new PlanningTask { Id = "t2", Duration = 3, DependsOn = ["t1"] }],
            Objective = new ObjectiveWeights { Makespan = 0, LoadBalance = 1 },
        };
        var terms = AssignmentSurrogate.Create(problem)!;

        var together = terms.Evaluate([0, 0]).Cost;
        var apart = terms.Evaluate([0, 1]).Cost;

        // Loads 6/0 against 3/3: (3² + 3²) / d̄ with d̄ = 3 is 6, the range the scorer reports.
        Assert.Equal(6, together - apart, 9);
    }

    [Fact]
    public void Create_ProblemWithoutAgents_IsNull() =>
        Assert.Null(AssignmentSurrogate.Create(new PlanningProblem { Tasks = [new PlanningTask { Id = "t" }] }));

    /// <summary>
    /// Two agents, four tasks (one optional, one only agent a can do, a dependency, a soft deadline, a preference, a
    /// baseline), maxWorkload on both agents: not a pure assignment, so the surrogate.
    /// </summary>
    private static PlanningProblem Problem(int seed)
    {
        var random = new Random(seed);
        var agents = new[]
        {
            new Agent { Id = "a", Skills = ["x"], CostPerUnit = random.Next(1, 4), MaxWorkload = 3 + random.Next(4), Capacity = 1 + random.Next(2) },
            new Agent { Id = "b", CostPerUnit = random.Next(1, 4), MaxWorkload = 3 + random.Next(4) },
        };
        var tasks = Enumerable.Range(0, 4).Select(t => new PlanningTask
        {
            Id = $"t{t}",
            Duration = 1 + random.Next(3),
            DurationByAgent = random.Next(2) == 0 ? new Dictionary<string, int> { ["b"] = 1 + random.Next(3) } : new Dictionary<string, int>(),
            Priority = random.Next(1, 4),
            EarliestStart = random.Next(3),
            Deadline = t == 2 ? 2 + random.Next(2) : null,
            Optional = t == 3,
            RequiredSkills = t == 0 && seed % 3 == 0 ? ["x"] : [],
            DependsOn = t == 1 ? ["t0"] : [],
            PreferredAgents = t == 2 ? new Dictionary<string, double> { ["b"] = random.Next(1, 5) } : new Dictionary<string, double>(),
        }).ToList();
        return new PlanningProblem
        {
            Name = $"surrogate-{seed}",
            Agents = agents,
            Tasks = tasks,
            Objective = EveryTerm,
            HardDeadlines = false,
            Baseline = new PlanBaseline { Assignments = [new BaselineAssignment { Task = "t1", Agent = "b", Start = tasks[1].EarliestStart }] },
        };
    }

    private static AssignmentSurrogate Surrogate(int seed)
    {
        var problem = Problem(seed);
        Assert.Null(PureAssignment.TryCreate(problem));
        var terms = AssignmentSurrogate.Create(problem)!;
        Assert.False(terms.IsExact);
        Assert.True(terms.HasWorkloadTerms);
        return terms;
    }

    /// <summary>The surrogate objective of every feasible assignment (within the options and every maxWorkload), by key "a0,a1,…".</summary>
    private static Dictionary<string, double> BruteForce(AssignmentSurrogate terms)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        var choices = Enumerable.Range(0, terms.TaskCount)
            .Select(t => terms.Droppable[t] ? [.. terms.Options[t], PureAssignment.Dropped] : terms.Options[t].ToArray())
            .ToArray();
        var agentOf = new int[terms.TaskCount];
        void Visit(int t)
        {
            if (t == terms.TaskCount)
            {
                var (cost, overload) = terms.Evaluate(agentOf);
                if (overload == 0)
                {
                    result[string.Join(',', agentOf)] = cost;
                }

                return;
            }

            foreach (var a in choices[t])
            {
                agentOf[t] = a;
                Visit(t + 1);
            }
        }

        Visit(0);
        Assert.NotEmpty(result);
        return result;
    }
}
