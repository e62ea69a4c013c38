using System.Globalization;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Core.Qubo.Compilation;

/// <summary>How a capacity constraint's slack Σ w_k s_k ∈ [0, C] is encoded.</summary>
public enum SlackEncoding
{
    /// <summary>Weights 1, 2, 4, …, and a last weight that makes the sum exactly C: ⌈log₂(C+1)⌉ variables.</summary>
    Binary,

    /// <summary>C variables of weight 1: more variables, a smoother landscape.</summary>
    Unary,
}

/// <summary>What one binary variable of a compiled model stands for.</summary>
public readonly record struct QuboVariable(int Task, int Agent, int Weight)
{
    /// <summary>x[t, a]: task t goes to agent a.</summary>
    public bool IsAssignment => Task >= 0 && Agent >= 0;

    /// <summary>d[t]: optional task t is dropped.</summary>
    public bool IsDrop => Task >= 0 && Agent == PureAssignment.Dropped;

    /// <summary>A slack bit of agent <see cref="Agent"/>'s capacity, worth <see cref="Weight"/> units.</summary>
    public bool IsSlack => Task < 0;
}

/// <summary>A pure-assignment problem compiled to a BQM, with what each variable means and the weights used.</summary>
public sealed record CompiledAssignmentQubo(
    BinaryQuadraticModel Model,
    PureAssignment View,
    IReadOnlyList<QuboVariable> Variables,
    double OneHotPenalty,
    double CapacityPenalty,
    double ProvablePenalty,
    SlackEncoding Slack)
{
    /// <summary>
    /// Each task's agent in <paramref name="sample"/> as the sample says it (<see cref="PureAssignment.Dropped"/> for a
    /// drop), and whether the sample respects every one-hot and capacity constraint. A task with several agents takes
    /// the cheapest; a task with none is dropped (and the sample counts as infeasible).
    /// </summary>
    public (int[] AgentOf, bool Feasible) Decode(ReadOnlySpan<sbyte> sample)
    {
        var view = View;
        var agentOf = Enumerable.Repeat(PureAssignment.Dropped, view.TaskCount).ToArray();
        var chosen = new int[view.TaskCount];
        for (var i = 0; i < Variables.Count; i++)
        {
            var v = Variables[i];
            if (sample[i] == 0 || v.IsSlack)
            {
                continue;
            }

            chosen[v.Task]++;
            if (v.IsAssignment && (agentOf[v.Task] == PureAssignment.Dropped || Cost(v.Task, v.Agent) < Cost(v.Task, agentOf[v.Task])))
            {
                agentOf[v.Task] = v.Agent;
            }
        }

        var (_, overload) = view.Evaluate(agentOf);
        var feasible = overload == 0 && chosen.All(c => c == 1);
        return (agentOf, feasible);
    }

    /// <summary>
    /// Makes a decoded assignment feasible greedily: while an agent is over its maxWorkload, the task on it whose move
    /// (to an agent with room, or to the drop when optional) costs least moves; a required task without an agent goes
    /// to the cheapest agent with room. Returns the same assignment when it is already feasible.
    /// </summary>
    public int[] Repair(int[] agentOf)
    {
        ArgumentNullException.ThrowIfNull(agentOf);
        var view = View;
        var result = (int[])agentOf.Clone();
        var load = new long[view.AgentCount];
        for (var t = 0; t < view.TaskCount; t++)
        {
            if (result[t] != PureAssignment.Dropped)
            {
                load[result[t]] += Load(t, result[t]);
            }
        }

        bool Fits(int t, int a) => load[a] + Load(t, a) <= view.Capacity[a];
        for (var t = 0; t < view.TaskCount; t++)
        {
            if (result[t] == PureAssignment.Dropped && !view.Droppable[t])
            {
                var target = view.Options[t].Where(a => Fits(t, a)).OrderBy(a => Cost(t, a)).DefaultIfEmpty(view.Options[t].OrderBy(a => Cost(t, a)).First()).First();
                result[t] = target;
                load[target] += Load(t, target);
            }
        }

        for (var guard = 0; guard < view.TaskCount * view.AgentCount; guard++)
        {
            var over = Enumerable.Range(0, view.AgentCount).FirstOrDefault(a => load[a] > view.Capacity[a], -1);
            if (over < 0)
            {
                break;
            }

            var best = (Task: -1, To: 0, Delta: double.PositiveInfinity);
            for (var t = 0; t < view.TaskCount; t++)
            {
                if (result[t] != over)
                {
                    continue;
                }

                foreach (var a in view.Options[t])
                {
                    if (a != over && Fits(t, a) && Cost(t, a) - Cost(t, over) < best.Delta)
                    {
                        best = (t, a, Cost(t, a) - Cost(t, over));
                    }
                }

                if (view.Droppable[t] && view.DropCost - Cost(t, over) < best.Delta)
                {
                    best = (t, PureAssignment.Dropped, view.DropCost - Cost(t, over));
                }
            }

            if (best.Task < 0)
            {
                break;
            }

            load[over] -= Load(best.Task, over);
            result[best.Task] = best.To;
            if (best.To != PureAssignment.Dropped)
            {
                load[best.To] += Load(best.Task, best.To);
            }
        }

        return result;
    }

    private double Cost(int t, int a) => a == PureAssignment.Dropped ? View.DropCost : View.PairCost[(t * View.AgentCount) + a];

    private long Load(int t, int a) => View.PairLoad[(t * View.AgentCount) + a];
}

/// <summary>
/// Compiles a pure assignment problem (<see cref="PureAssignment"/>: costs per (task, agent) from the objective
/// catalogue, maxWorkload per agent) into a BQM. Variables: x[t, a] only for the pairs the view allows, d[t] for each
/// optional task, and slack bits per agent whose maxWorkload can be exceeded at all. Energy:
/// Σ c_ta x_ta + drop·Σ d_t + P Σ_t (Σ_a x_ta + d_t − 1)² + Q Σ_a (Σ_t l_ta x_ta + Σ_k w_k s_ak − C_a)²; the
/// one-hot square expands to −P on each variable, +2P on each pair and +P in the offset.
/// Penalty bound: with integral loads every infeasible state pays at least min(P, Q), and any state's objective part
/// lies within [LB, UB] (LB: every negative term on, UB: each task at its dearest option), so P = Q = UB − LB + 1
/// makes every infeasible state costlier than every feasible one (<see cref="ProvablePenalty"/>). That weight is loose
/// and makes the landscape rough, so callers start from the objective's scale and raise it when samples decode
/// infeasible.
/// </summary>
public static class AssignmentQuboCompiler
{
    /// <summary>UB − LB + 1 (see the class summary): a penalty that provably separates feasible from infeasible.</summary>
    public static double ProvablePenalty(PureAssignment view)
    {
        ArgumentNullException.ThrowIfNull(view);
        double upper = 0, lower = 0;
        for (var t = 0; t < view.TaskCount; t++)
        {
            var costs = view.Options[t].Select(a => view.PairCost[(t * view.AgentCount) + a]).ToList();
            if (view.Droppable[t])
            {
                costs.Add(view.DropCost);
            }

            upper += costs.Count == 0 ? 0 : Math.Max(0, costs.Max());
            lower += costs.Where(c => c < 0).Sum();
        }

        return upper - lower + 1;
    }

    /// <summary>The objective's own scale: the largest spread between a task's options, plus one.</summary>
    public static double ScalePenalty(PureAssignment view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var spread = 0.0;
        for (var t = 0; t < view.TaskCount; t++)
        {
            var costs = view.Options[t].Select(a => view.PairCost[(t * view.AgentCount) + a]).ToList();
            if (view.Droppable[t])
            {
                costs.Add(view.DropCost);
            }

            if (costs.Count > 0)
            {
                spread = Math.Max(spread, costs.Max() - costs.Min());
            }
        }

        return spread + 1;
    }

    public static CompiledAssignmentQubo Compile(PureAssignment view, double? penalty = null, SlackEncoding slack = SlackEncoding.Binary)
    {
        ArgumentNullException.ThrowIfNull(view);
        var provable = ProvablePenalty(view);
        var p = penalty ?? provable;
        var model = new BinaryQuadraticModel(Vartype.Binary);
        var variables = new List<QuboVariable>();
        int Add(string label, QuboVariable meaning)
        {
            variables.Add(meaning);
            return model.AddVariable(label);
        }

        var byAgent = new List<(int Index, long Weight)>[view.AgentCount];
        for (var a = 0; a < view.AgentCount; a++)
        {
            byAgent[a] = [];
        }

        for (var t = 0; t < view.TaskCount; t++)
        {
            var group = new List<int>();
            foreach (var a in view.Options[t])
            {
                var x = Add(string.Create(CultureInfo.InvariantCulture, $"x[{t},{a}]"), new QuboVariable(t, a, 0));
                model.AddLinear(x, view.PairCost[(t * view.AgentCount) + a]);
                byAgent[a].Add((x, view.PairLoad[(t * view.AgentCount) + a]));
                group.Add(x);
            }

            if (view.Droppable[t])
            {
                var d = Add(string.Create(CultureInfo.InvariantCulture, $"d[{t}]"), new QuboVariable(t, PureAssignment.Dropped, 0));
                model.AddLinear(d, view.DropCost);
                group.Add(d);
            }

            // P (Σ y − 1)² = −P Σ y + 2P Σ_{i<j} y_i y_j + P.
            foreach (var y in group)
            {
                model.AddLinear(y, -p);
            }

            for (var i = 0; i < group.Count; i++)
            {
                for (var j = i + 1; j < group.Count; j++)
                {
                    model.AddQuadratic(group[i], group[j], 2 * p);
                }
            }

            model.Offset += p;
        }

        for (var a = 0; a < view.AgentCount; a++)
        {
            var capacity = view.Capacity[a];
            if (byAgent[a].Sum(e => e.Weight) <= capacity)
            {
                continue;
            }

            var terms = new List<(int Index, long Weight)>(byAgent[a]);
            foreach (var w in SlackWeights(capacity, slack))
            {
                terms.Add((Add(string.Create(CultureInfo.InvariantCulture, $"s[{a},{terms.Count}]"), new QuboVariable(-1, a, (int)w)), w));
            }

            // Q (Σ l_i z_i − C)² = Q Σ (l_i² − 2C l_i) z_i + 2Q Σ_{i<j} l_i l_j z_i z_j + Q C².
            for (var i = 0; i < terms.Count; i++)
            {
                var li = (double)terms[i].Weight;
                model.AddLinear(terms[i].Index, p * ((li * li) - (2.0 * capacity * li)));
                for (var j = i + 1; j < terms.Count; j++)
                {
                    model.AddQuadratic(terms[i].Index, terms[j].Index, 2 * p * li * terms[j].Weight);
                }
            }

            model.Offset += p * capacity * (double)capacity;
        }

        return new CompiledAssignmentQubo(model, view, variables, p, p, provable, slack);
    }

    /// <summary>Slack weights whose subset sums are exactly 0..C.</summary>
    public static IReadOnlyList<long> SlackWeights(long capacity, SlackEncoding encoding)
    {
        if (capacity <= 0)
        {
            return [];
        }

        if (encoding == SlackEncoding.Unary)
        {
            return [.. Enumerable.Repeat(1L, checked((int)capacity))];
        }

        var weights = new List<long>();
        long sum = 0;
        for (long w = 1; sum + w <= capacity; w *= 2)
        {
            weights.Add(w);
            sum += w;
        }

        if (sum < capacity)
        {
            weights.Add(capacity - sum);
        }

        return weights;
    }
}
