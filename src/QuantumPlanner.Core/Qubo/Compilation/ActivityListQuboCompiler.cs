using System.Globalization;

namespace QuantumPlanner.Core.Qubo.Compilation;

/// <summary>What one variable of an activity-list model stands for: task <paramref name="Task"/> at <paramref name="Position"/>.</summary>
public readonly record struct ActivityPosition(int Task, int Position);

/// <summary>An activity list compiled to a BQM, with what each variable means and the weights used.</summary>
public sealed record CompiledActivityListQubo(
    BinaryQuadraticModel Model,
    ActivityListSurrogate Terms,
    IReadOnlyList<ActivityPosition> Variables,
    double OneHotPenalty,
    double PrecedencePenalty,
    double ProvablePenalty)
{
    /// <summary>
    /// The activity list a sample stands for, repaired to a precedence-feasible one, and whether the sample itself was
    /// feasible (each task at exactly one position, each position held by exactly one task, every task after the tasks
    /// it depends on). A task is keyed by the mean of the positions it holds (its reference place when none), and the
    /// list is Kahn's order taking the ready task with the smallest key, so a feasible sample decodes to itself.
    /// </summary>
    public (int[] Order, bool Feasible) Decode(ReadOnlySpan<sbyte> sample)
    {
        var terms = Terms;
        var n = terms.TaskCount;
        var sum = new double[n];
        var count = new int[n];
        var held = new int[n];
        for (var i = 0; i < Variables.Count; i++)
        {
            if (sample[i] == 0)
            {
                continue;
            }

            var v = Variables[i];
            sum[v.Task] += v.Position;
            count[v.Task]++;
            held[v.Position]++;
        }

        var key = new double[n];
        for (var p = 0; p < n; p++)
        {
            var j = terms.Reference[p];
            key[j] = count[j] > 0 ? sum[j] / count[j] : p;
        }

        var successors = new List<int>[n];
        for (var j = 0; j < n; j++)
        {
            successors[j] = [];
        }

        for (var j = 0; j < n; j++)
        {
            foreach (var k in terms.Predecessors[j])
            {
                successors[k].Add(j);
            }
        }

        var order = ActivityListSurrogate.Topological([.. terms.Predecessors], successors, key);
        var feasible = count.All(c => c == 1) && held.All(h => h == 1) && order.Select((j, p) => (j, p)).All(e => key[e.j] == e.p);
        return (order, feasible);
    }
}

/// <summary>
/// Compiles a problem without agents (<see cref="ActivityListSurrogate"/>) into a position-based permutation model:
/// x[j, p] = 1 when task j takes position p of the activity list, for every position in j's window. Energy:
/// Σ c_jp x_jp + P Σ_j (Σ_p x_jp − 1)² + P Σ_p (Σ_j x_jp − 1)² + R Σ_{k→j} Σ_{q &gt; p} x_jp x_kq (k before j
/// violated: j at p, the task it depends on at a later q). Each one-hot square expands to −P on each variable, +2P on
/// each pair and +P in the offset.
/// Penalty bound: an infeasible state breaks a one-hot (its square is a positive integer, so it pays at least P) or
/// a dependency (at least R), and any state's objective part lies within [LB, UB], LB = Σ of the negative costs (none:
/// every catalogue weight and priority is non-negative), UB = Σ_j max_p c_jp; so P = R = UB − LB + 1 makes every
/// infeasible state costlier than every feasible one (<see cref="ProvablePenalty"/>). Callers start from the
/// objective's scale (<see cref="ScalePenalty"/>) and raise it while samples decode infeasible, as on the assignment path.
/// </summary>
public static class ActivityListQuboCompiler
{
    /// <summary>UB − LB + 1 (see the class summary).</summary>
    public static double ProvablePenalty(ActivityListSurrogate terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        double upper = 0, lower = 0;
        for (var j = 0; j < terms.TaskCount; j++)
        {
            var most = double.NegativeInfinity;
            for (var p = terms.First[j]; p <= terms.Last[j]; p++)
            {
                var c = terms.Cost(j, p);
                most = Math.Max(most, c);
                lower += Math.Min(0, c);
            }

            upper += Math.Max(0, most);
        }

        return upper - lower + 1;
    }

    /// <summary>The objective's own scale: the largest cost of one task at one place, plus one, so leaving a task out never pays.</summary>
    public static double ScalePenalty(ActivityListSurrogate terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var most = 0.0;
        for (var j = 0; j < terms.TaskCount; j++)
        {
            for (var p = terms.First[j]; p <= terms.Last[j]; p++)
            {
                most = Math.Max(most, Math.Abs(terms.Cost(j, p)));
            }
        }

        return most + 1;
    }

    public static CompiledActivityListQubo Compile(ActivityListSurrogate terms, double? penalty = null)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var provable = ProvablePenalty(terms);
        var weight = penalty ?? provable;
        var n = terms.TaskCount;
        var model = new BinaryQuadraticModel(Vartype.Binary);
        var variables = new List<ActivityPosition>();
        var byTask = new int[n][];
        var byPosition = new List<int>[n];
        for (var p = 0; p < n; p++)
        {
            byPosition[p] = [];
        }

        for (var j = 0; j < n; j++)
        {
            byTask[j] = new int[terms.Last[j] - terms.First[j] + 1];
            for (var p = terms.First[j]; p <= terms.Last[j]; p++)
            {
                var x = model.AddVariable(string.Create(CultureInfo.InvariantCulture, $"x[{j},{p}]"));
                variables.Add(new ActivityPosition(j, p));
                model.AddLinear(x, terms.Cost(j, p));
                byTask[j][p - terms.First[j]] = x;
                byPosition[p].Add(x);
            }
        }

        for (var j = 0; j < n; j++)
        {
            AddOneHot(model, byTask[j], weight);
        }

        for (var p = 0; p < n; p++)
        {
            AddOneHot(model, byPosition[p], weight);
        }

        for (var j = 0; j < n; j++)
        {
            foreach (var k in terms.Predecessors[j])
            {
                for (var p = terms.First[j]; p <= terms.Last[j]; p++)
                {
                    // q = p is a clash of one position, which its one-hot already charges.
                    for (var q = Math.Max(p + 1, terms.First[k]); q <= terms.Last[k]; q++)
                    {
                        model.AddQuadratic(byTask[j][p - terms.First[j]], byTask[k][q - terms.First[k]], weight);
                    }
                }
            }
        }

        return new CompiledActivityListQubo(model, terms, variables, weight, weight, provable);
    }

    /// <summary>P (Σ y − 1)² = −P Σ y + 2P Σ_{i&lt;j} y_i y_j + P.</summary>
    private static void AddOneHot(BinaryQuadraticModel model, IReadOnlyList<int> group, double weight)
    {
        for (var i = 0; i < group.Count; i++)
        {
            model.AddLinear(group[i], -weight);
            for (var k = i + 1; k < group.Count; k++)
            {
                model.AddQuadratic(group[i], group[k], 2 * weight);
            }
        }

        model.Offset += weight;
    }
}
