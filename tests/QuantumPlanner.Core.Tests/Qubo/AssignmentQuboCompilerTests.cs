using System.Text;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.Core.Qubo.Compilation;

namespace QuantumPlanner.Core.Tests.Qubo;

public sealed class AssignmentQuboCompilerTests
{
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var s = 1; s <= 12; s++)
        {
            data.Add(s);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compile_ProvablePenalty_GroundStateDecodesToBruteForceOptimum(int seed)
    {
        var view = RandomGap(seed, out var optimum);
        var compiled = AssignmentQuboCompiler.Compile(view);
        Assert.True(compiled.Model.VariableCount <= 20, $"{compiled.Model.VariableCount} variables are too many to enumerate.");

        var (ground, energy) = StateEnumeration.GroundState(compiled.Model);
        var (agentOf, feasible) = compiled.Decode(ground);

        Assert.True(feasible);
        var (cost, overload) = view.Evaluate(agentOf);
        Assert.Equal(0, overload);
        Assert.Equal(optimum, cost, 9);
        // With the slack set right a feasible state pays no penalty: its energy is its objective.
        Assert.Equal(optimum, energy, 6);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Compile_EachConstraintKindViolated_CostsMoreThanTheBestFeasibleState(int seed)
    {
        var view = RandomGap(seed, out var optimum);
        var compiled = AssignmentQuboCompiler.Compile(view);
        var n = compiled.Model.VariableCount;

        // Lowest energy over all states that violate a given kind of constraint, by enumeration.
        var bestDouble = double.PositiveInfinity;
        var bestNone = double.PositiveInfinity;
        var bestOver = double.PositiveInfinity;
        StateEnumeration.ForEach(compiled.Model, (state, energy) =>
        {
            var counts = new int[view.TaskCount];
            var load = new long[view.AgentCount];
            for (var i = 0; i < n; i++)
            {
                var v = compiled.Variables[i];
                if (state[i] == 1 && v.IsAssignment)
                {
                    counts[v.Task]++;
                    load[v.Agent] += view.PairLoad[(v.Task * view.AgentCount) + v.Agent];
                }
            }

            if (counts.Any(c => c > 1))
            {
                bestDouble = Math.Min(bestDouble, energy);
            }

            if (counts.Any(c => c == 0))
            {
                bestNone = Math.Min(bestNone, energy);
            }

            if (Enumerable.Range(0, view.AgentCount).Any(a => load[a] > view.Capacity[a]))
            {
                bestOver = Math.Min(bestOver, energy);
            }
        });

        Assert.True(bestDouble > optimum, $"a task on two agents: {bestDouble} ≤ {optimum}");
        Assert.True(bestNone > optimum, $"a task on no agent: {bestNone} ≤ {optimum}");
        Assert.True(bestOver > optimum, $"an agent over its maxWorkload: {bestOver} ≤ {optimum}");
    }

    [Theory]
    [InlineData(0L, new long[0])]
    [InlineData(1L, new long[] { 1 })]
    [InlineData(5L, new long[] { 1, 2, 2 })]
    [InlineData(6L, new long[] { 1, 2, 3 })]
    [InlineData(7L, new long[] { 1, 2, 4 })]
    public void SlackWeights_Binary_SubsetSumsAreExactlyZeroToCapacity(long capacity, long[] expected)
    {
        var weights = AssignmentQuboCompiler.SlackWeights(capacity, SlackEncoding.Binary);

        Assert.Equal(expected, weights);
        var sums = new HashSet<long>();
        for (var mask = 0; mask < 1 << weights.Count; mask++)
        {
            sums.Add(Enumerable.Range(0, weights.Count).Where(k => ((mask >> k) & 1) == 1).Sum(k => weights[k]));
        }

        Assert.Equal(Enumerable.Range(0, (int)capacity + 1).Select(v => (long)v), sums.Order());
        Assert.Equal(Enumerable.Repeat(1L, (int)capacity), AssignmentQuboCompiler.SlackWeights(capacity, SlackEncoding.Unary));
    }

    [Fact]
    public void Repair_OverloadedAgent_MovesTheCheapestTaskToAnAgentWithRoom()
    {
        // Two agents, three jobs; agent 1 holds at most 4 units.
        var view = View("2 3\n1 5 2\n3 1 9\n3 3 3\n3 3 3\n9 4\n");
        var compiled = AssignmentQuboCompiler.Compile(view, penalty: 10);

        var repaired = compiled.Repair([1, 1, 1]);

        Assert.Equal(0, view.Evaluate(repaired).Overload);
        Assert.Single(repaired, a => a == 1);
    }

    /// <summary>A random GAP instance small enough to enumerate, and its optimum by brute force over assignments.</summary>
    private static PureAssignment RandomGap(int seed, out double optimum)
    {
        var random = new Random(seed);
        var m = 2;
        var n = 3 + (seed % 2);
        var text = new StringBuilder($"{m} {n}\n");
        for (var i = 0; i < m; i++)
        {
            text.AppendLine(string.Join(' ', Enumerable.Range(0, n).Select(_ => random.Next(1, 20))));
        }

        for (var i = 0; i < m; i++)
        {
            text.AppendLine(string.Join(' ', Enumerable.Range(0, n).Select(_ => random.Next(1, 4))));
        }

        text.AppendLine(string.Join(' ', Enumerable.Range(0, m).Select(_ => random.Next(3, 6))));
        var view = View(text.ToString());
        optimum = double.PositiveInfinity;
        var agentOf = new int[n];
        for (var code = 0; code < Math.Pow(m, n); code++)
        {
            var c = code;
            for (var t = 0; t < n; t++)
            {
                agentOf[t] = c % m;
                c /= m;
            }

            var (cost, overload) = view.Evaluate(agentOf);
            if (overload == 0)
            {
                optimum = Math.Min(optimum, cost);
            }
        }

        Assert.True(double.IsFinite(optimum), "the random instance has no feasible assignment");
        return view;
    }

    private static PureAssignment View(string gap) =>
        PureAssignment.TryCreate(GapImporter.Parse(new StringReader(gap), "test.txt", "test")) ?? throw new InvalidOperationException("not a pure assignment");
}
