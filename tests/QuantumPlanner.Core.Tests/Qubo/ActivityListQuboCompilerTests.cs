using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Qubo.Compilation;

namespace QuantumPlanner.Core.Tests.Qubo;

/// <summary>
/// The activity-list model of problems without agents: x[j, p] for task j at position p of the list, one-hot per task
/// and per position, dependencies as penalties on pairs out of order, makespan, priority and tardiness as linear
/// position costs. Small random problems (four or five tasks, windows cut to at most twenty variables) are enumerated
/// state by state and compared with every permutation.
/// </summary>
public sealed class ActivityListQuboCompilerTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compile_SmallRandomProblem_ExactGroundStateDecodesToTheBestPrecedenceFeasibleList(int seed)
    {
        var terms = Surrogate(seed);
        var compiled = ActivityListQuboCompiler.Compile(terms);
        var optimum = FeasibleLists(terms).Min(terms.Evaluate);

        var (ground, energy) = StateEnumeration.GroundState(compiled.Model);
        var (order, feasible) = compiled.Decode(ground);

        Assert.True(feasible);
        Assert.True(terms.IsFeasible(order));
        Assert.Equal(optimum, terms.Evaluate(order), 6);
        Assert.Equal(optimum, energy, 6);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compile_EveryFeasibleList_HasItsSurrogateCostAsEnergyAndDecodesToItself(int seed)
    {
        var terms = Surrogate(seed);
        var compiled = ActivityListQuboCompiler.Compile(terms, penalty: 3);
        var lists = FeasibleLists(terms).ToList();
        Assert.NotEmpty(lists);

        foreach (var list in lists)
        {
            var state = StateOf(compiled, list)!;

            // Whatever the penalty weight, a feasible list pays none.
            Assert.Equal(terms.Evaluate(list), compiled.Model.Energy(state), 6);
            var (order, feasible) = compiled.Decode(state);
            Assert.True(feasible);
            Assert.Equal(list, order);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compile_ProvablePenalty_EveryViolatingStateOfEachKindCostsMoreThanEveryFeasibleList(int seed)
    {
        var terms = Surrogate(seed);
        var compiled = ActivityListQuboCompiler.Compile(terms);
        var dearestFeasible = FeasibleLists(terms).Max(terms.Evaluate);
        var cheapest = new Dictionary<string, double>(StringComparer.Ordinal);

        StateEnumeration.ForEach(compiled.Model, (state, energy) =>
        {
            foreach (var kind in Violations(compiled, state))
            {
                cheapest[kind] = Math.Min(cheapest.GetValueOrDefault(kind, double.PositiveInfinity), energy);
            }
        });

        // Each kind occurs among the states of every model (the precedence kind where a dependency can be broken
        // within the windows), and none is ever cheaper than the dearest feasible list.
        Assert.Contains("task-without-position", cheapest.Keys);
        Assert.Contains("task-at-two-positions", cheapest.Keys);
        Assert.Contains("position-held-twice", cheapest.Keys);
        foreach (var (kind, energy) in cheapest)
        {
            Assert.True(energy > dearestFeasible + 1e-9, $"seed {seed}: a state with {kind} has energy {energy}, not above the dearest feasible list's {dearestFeasible}");
        }
    }

    [Fact]
    public void Compile_ProvablePenalty_ADependantBeforeItsDependencyCostsMoreThanEveryFeasibleList()
    {
        // c depends on a; with four tasks a may take positions 0–2 and c 1–3, so c at 1 with a at 2 fits the windows.
        var problem = Problem(
            [new PlanningTask { Id = "a", Duration = 3 }, new PlanningTask { Id = "b", Duration = 1 }, new PlanningTask { Id = "c", Duration = 2, DependsOn = ["a"] }, new PlanningTask { Id = "d", Duration = 5 }],
            new ObjectiveWeights { Makespan = 1 });
        var terms = ActivityListSurrogate.Create(problem)!;
        var compiled = ActivityListQuboCompiler.Compile(terms);
        var dearestFeasible = FeasibleLists(terms).Max(terms.Evaluate);
        var breaking = StateOf(compiled, [1, 2, 0, 3])!;
        var cheapestBreaking = double.PositiveInfinity;

        StateEnumeration.ForEach(compiled.Model, (state, energy) =>
        {
            if (Violations(compiled, state).Contains("dependant-before-its-dependency"))
            {
                cheapestBreaking = Math.Min(cheapestBreaking, energy);
            }
        });

        Assert.Contains("dependant-before-its-dependency", Violations(compiled, breaking));
        Assert.False(compiled.Decode(breaking).Feasible);
        Assert.True(cheapestBreaking > dearestFeasible + 1e-9, $"{cheapestBreaking} is not above {dearestFeasible}");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Decode_AnySample_GivesAPermutationWithEveryTaskAfterItsDependencies(int seed)
    {
        var terms = Surrogate(seed);
        var compiled = ActivityListQuboCompiler.Compile(terms);
        var random = new Random(seed);

        for (var i = 0; i < 200; i++)
        {
            var sample = Enumerable.Range(0, compiled.Model.VariableCount).Select(_ => (sbyte)random.Next(2)).ToArray();

            var (order, _) = compiled.Decode(sample);

            // Inside the dependency windows, though not always inside windows cut to the variable limit.
            Assert.Equal(Enumerable.Range(0, terms.TaskCount), order.Order());
            Assert.All(Enumerable.Range(0, terms.TaskCount), j => Assert.All(terms.Predecessors[j], k => Assert.True(Array.IndexOf(order, k) < Array.IndexOf(order, j), $"seed {seed}: {string.Join(',', order)}")));
        }
    }

    [Fact]
    public void Create_WindowsBeyondTheLimit_StayWithinItAndKeepTheReferenceList()
    {
        var problem = Problem(RandomTasks(40, seed: 7, dependsOneIn: 3, reach: 40), new ObjectiveWeights { Makespan = 1 });

        var uncut = ActivityListSurrogate.Create(problem)!;
        var cut = ActivityListSurrogate.Create(problem, maxVariables: 300)!;
        var compiled = ActivityListQuboCompiler.Compile(cut);

        Assert.True(ActivityListQuboCompiler.Compile(uncut).Model.VariableCount > 300);
        Assert.InRange(compiled.Model.VariableCount, 40, 300);
        Assert.True(cut.IsFeasible(cut.Reference));
        Assert.Equal(uncut.Reference, cut.Reference);
        Assert.Equal(cut.Evaluate(cut.Reference), compiled.Model.Energy(StateOf(compiled, cut.Reference)!), 6);
    }

    [Fact]
    public void Create_ThousandsOfTasks_KeepsOneVariablePerTaskOnceNoWindowFitsTheLimit()
    {
        // More tasks than the limit has variables: every window shrinks to the task's place in the reference list.
        var terms = ActivityListSurrogate.Create(Problem(RandomTasks(2500, seed: 11, dependsOneIn: 2, reach: 50), new ObjectiveWeights { Makespan = 1 }))!;
        var compiled = ActivityListQuboCompiler.Compile(terms);

        Assert.Equal(2500, compiled.Model.VariableCount);
        Assert.True(terms.IsFeasible(terms.Reference));
        var (order, feasible) = compiled.Decode(Enumerable.Repeat((sbyte)1, 2500).ToArray());
        Assert.True(feasible);
        Assert.Equal(terms.Reference, order);
    }

    [Fact]
    public void Create_ProblemWithAgents_IsNull()
    {
        var problem = new PlanningProblem { Agents = [new Agent { Id = "a" }], Tasks = [new PlanningTask { Id = "t" }] };

        Assert.Null(ActivityListSurrogate.Create(problem));
    }

    [Fact]
    public void Create_MakespanOnly_PutsTheTaskWithTheLongestRemainingPathFirst()
    {
        // Three independent tasks: the long one holds the longest path, so the cheapest list starts with it.
        var problem = Problem([new PlanningTask { Id = "short", Duration = 1 }, new PlanningTask { Id = "long", Duration = 9 }, new PlanningTask { Id = "mid", Duration = 4 }], new ObjectiveWeights { Makespan = 1 });
        var terms = ActivityListSurrogate.Create(problem)!;

        var best = FeasibleLists(terms).MinBy(terms.Evaluate)!;

        Assert.Equal([1, 2, 0], best);
        Assert.Equal(best, terms.Reference);
    }

    /// <summary>Tasks of durations 1–9, each after one of the <paramref name="reach"/> tasks before it with odds 1 in <paramref name="dependsOneIn"/>.</summary>
    private static List<PlanningTask> RandomTasks(int count, int seed, int dependsOneIn, int reach)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(t => new PlanningTask
        {
            Id = $"t{t}",
            Duration = 1 + random.Next(9),
            DependsOn = t > 0 && random.Next(dependsOneIn) == 0 ? [$"t{random.Next(Math.Max(0, t - reach), t)}"] : [],
        }).ToList();
    }

    private static PlanningProblem Problem(IReadOnlyList<PlanningTask> tasks, ObjectiveWeights weights) =>
        new() { Name = "activities", Resources = [new Resource { Id = "r", Capacity = 2 }], Tasks = tasks, Objective = weights };

    /// <summary>A random problem of four or five tasks (dependencies only to earlier tasks), windows cut to twenty variables.</summary>
    private static ActivityListSurrogate Surrogate(int seed)
    {
        var random = new Random(seed);
        var n = 4 + (seed % 2);
        var tasks = Enumerable.Range(0, n).Select(t => new PlanningTask
        {
            Id = $"t{t}",
            Duration = random.Next(0, 7),
            Priority = random.Next(0, 4),
            EarliestStart = random.Next(3) == 0 ? random.Next(0, 5) : 0,
            Deadline = random.Next(2) == 0 ? random.Next(2, 12) : null,
            DependsOn = t > 0 && random.Next(3) == 0 ? [$"t{random.Next(t)}"] : [],
            Resources = new Dictionary<string, int> { ["r"] = 1 },
        }).ToList();
        var weights = new ObjectiveWeights { Makespan = 1 + random.Next(3), Priority = random.Next(3) * 0.25, Tardiness = random.Next(3) };
        return ActivityListSurrogate.Create(Problem(tasks, weights) with { HardDeadlines = false }, maxVariables: StateEnumeration.MaxVariables)!;
    }

    /// <summary>Every permutation that is a feasible list of the model (inside the windows, dependencies first).</summary>
    private static IEnumerable<int[]> FeasibleLists(ActivityListSurrogate terms) =>
        Permutations(Enumerable.Range(0, terms.TaskCount).ToArray(), 0).Where(terms.IsFeasible);

    private static IEnumerable<int[]> Permutations(int[] items, int from)
    {
        if (from == items.Length)
        {
            yield return (int[])items.Clone();
            yield break;
        }

        for (var i = from; i < items.Length; i++)
        {
            (items[from], items[i]) = (items[i], items[from]);
            foreach (var p in Permutations(items, from + 1))
            {
                yield return p;
            }

            (items[from], items[i]) = (items[i], items[from]);
        }
    }

    /// <summary>The state with each task of <paramref name="list"/> at its place; null when a place has no variable.</summary>
    private static sbyte[]? StateOf(CompiledActivityListQubo compiled, IReadOnlyList<int> list)
    {
        var state = new sbyte[compiled.Model.VariableCount];
        for (var p = 0; p < list.Count; p++)
        {
            var i = compiled.Variables.ToList().IndexOf(new ActivityPosition(list[p], p));
            if (i < 0)
            {
                return null;
            }

            state[i] = 1;
        }

        return state;
    }

    /// <summary>The constraint kinds a state breaks, read from the state itself (not from the decoder).</summary>
    private static IEnumerable<string> Violations(CompiledActivityListQubo compiled, sbyte[] state)
    {
        var n = compiled.Terms.TaskCount;
        var places = new List<int>[n];
        var holders = new int[n];
        for (var j = 0; j < n; j++)
        {
            places[j] = [];
        }

        for (var i = 0; i < state.Length; i++)
        {
            if (state[i] == 1)
            {
                var v = compiled.Variables[i];
                places[v.Task].Add(v.Position);
                holders[v.Position]++;
            }
        }

        if (places.Any(p => p.Count == 0))
        {
            yield return "task-without-position";
        }

        if (places.Any(p => p.Count > 1))
        {
            yield return "task-at-two-positions";
        }

        if (holders.Any(h => h > 1))
        {
            yield return "position-held-twice";
        }

        for (var j = 0; j < n; j++)
        {
            foreach (var k in compiled.Terms.Predecessors[j])
            {
                if (places[j].Any(p => places[k].Any(q => q > p)))
                {
                    yield return "dependant-before-its-dependency";
                    yield break;
                }
            }
        }
    }
}
