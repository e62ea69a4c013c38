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

/// <summary>A problem's assignment compiled to a BQM, with what each variable means and the weights used.</summary>
public sealed record CompiledAssignmentQubo(
    BinaryQuadraticModel Model,
    AssignmentSurrogate Terms,
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
        var terms = Terms;
        var agentOf = Enumerable.Repeat(PureAssignment.Dropped, terms.TaskCount).ToArray();
        var chosen = new int[terms.TaskCount];
        for (var i = 0; i < Variables.Count; i++)
        {
            var v = Variables[i];
            if (sample[i] == 0 || v.IsSlack)
            {
                continue;
            }

            chosen[v.Task]++;
            if (v.IsAssignment && (agentOf[v.Task] == PureAssignment.Dropped || terms.Cost(v.Task, v.Agent) < terms.Cost(v.Task, agentOf[v.Task])))
            {
                agentOf[v.Task] = v.Agent;
            }
        }

        var (_, overload) = terms.Evaluate(agentOf);
        var feasible = overload == 0 && chosen.All(c => c == 1);
        return (agentOf, feasible);
    }

    /// <summary>
    /// Makes a decoded assignment feasible greedily: while an agent is over its maxWorkload, the task on it whose move
    /// (to an agent with room, or to the drop when optional) costs least moves; a required task without an agent goes
    /// to the cheapest agent with room. Returns the same assignment when it is already feasible. Linear costs only:
    /// the workload terms are left to the polish that follows.
    /// </summary>
    public int[] Repair(int[] agentOf)
    {
        ArgumentNullException.ThrowIfNull(agentOf);
        var terms = Terms;
        var result = (int[])agentOf.Clone();
        var load = new long[terms.AgentCount];
        for (var t = 0; t < terms.TaskCount; t++)
        {
            load[result[t] == PureAssignment.Dropped ? 0 : result[t]] += terms.Load(t, result[t]);
        }

        bool Fits(int t, int a) => load[a] + terms.Load(t, a) <= terms.Capacity[a];
        for (var t = 0; t < terms.TaskCount; t++)
        {
            if (result[t] == PureAssignment.Dropped && !terms.Droppable[t] && terms.Options[t].Length > 0)
            {
                var target = terms.Options[t].Where(a => Fits(t, a)).OrderBy(a => terms.Cost(t, a)).DefaultIfEmpty(terms.Options[t].OrderBy(a => terms.Cost(t, a)).First()).First();
                result[t] = target;
                load[target] += terms.Load(t, target);
            }
        }

        for (var guard = 0; guard < terms.TaskCount * terms.AgentCount; guard++)
        {
            var over = Enumerable.Range(0, terms.AgentCount).FirstOrDefault(a => load[a] > terms.Capacity[a], -1);
            if (over < 0)
            {
                break;
            }

            var best = (Task: -1, To: 0, Delta: double.PositiveInfinity);
            for (var t = 0; t < terms.TaskCount; t++)
            {
                if (result[t] != over)
                {
                    continue;
                }

                foreach (var a in terms.Options[t])
                {
                    if (a != over && Fits(t, a) && terms.Cost(t, a) - terms.Cost(t, over) < best.Delta)
                    {
                        best = (t, a, terms.Cost(t, a) - terms.Cost(t, over));
                    }
                }

                if (terms.Droppable[t] && terms.Cost(t, PureAssignment.Dropped) - terms.Cost(t, over) < best.Delta)
                {
                    best = (t, PureAssignment.Dropped, terms.Cost(t, PureAssignment.Dropped) - terms.Cost(t, over));
                }
            }

            if (best.Task < 0)
            {
                break;
            }

            load[over] -= terms.Load(best.Task, over);
            result[best.Task] = best.To;
            if (best.To != PureAssignment.Dropped)
            {
                load[best.To] += terms.Load(best.Task, best.To);
            }
        }

        return result;
    }
}

/// <summary>
/// Compiles a problem's assignment (<see cref="AssignmentSurrogate"/>: linear costs per (task, agent) and per drop from
/// the objective catalogue, quadratic workload terms for load balance and makespan, maxWorkload per agent) into a BQM.
/// Variables: x[t, a] only for the pairs the surrogate allows, d[t] for each optional task, and slack bits per agent
/// whose maxWorkload can be exceeded at all. Energy: Σ c_ta x_ta + Σ drop_t d_t + Σ_a (q_a W_a² + r W_a + k)
/// + Σ_a Σ_{t&lt;u} wait_tua x_ta x_ua + P Σ_t (Σ_a x_ta + d_t − 1)² + Q Σ_a (W_a + Σ_k w_k s_ak − C_a)²,
/// W_a = Σ_t l_ta x_ta; the one-hot square expands
/// to −P on each variable, +2P on each pair and +P in the offset, each workload square to l_i² and 2 l_i l_j terms
/// within one agent's variables.
/// Penalty bound: with integral loads every infeasible state pays at least min(P, Q), and any state's objective part
/// lies within [LB, UB] (LB: every negative linear or pair term on and each workload term at its minimum, UB: each task
/// at its dearest option, every positive pair term on and each workload term at the most the agent can carry), so P = Q = UB − LB + 1 makes every
/// infeasible state costlier than every feasible one (<see cref="ProvablePenalty(AssignmentSurrogate)"/>). That weight is loose and makes
/// the landscape rough, so callers start from the objective's scale and raise it when samples decode infeasible.
/// </summary>
public static class AssignmentQuboCompiler
{
    /// <summary>UB − LB + 1 (see the class summary): a penalty that provably separates feasible from infeasible.</summary>
    public static double ProvablePenalty(PureAssignment view) => ProvablePenalty(AssignmentSurrogate.Of(view));

    /// <inheritdoc cref="ProvablePenalty(PureAssignment)"/>
    public static double ProvablePenalty(AssignmentSurrogate terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        double upper = 0, lower = 0;
        for (var t = 0; t < terms.TaskCount; t++)
        {
            var costs = Choices(terms, t).Select(a => terms.Cost(t, a)).ToList();
            upper += costs.Count == 0 ? 0 : Math.Max(0, costs.Max());
            lower += costs.Where(c => c < 0).Sum();
        }

        for (var a = 0; a < terms.AgentCount; a++)
        {
            upper += Math.Max(terms.WorkloadCost(a, 0), terms.WorkloadCost(a, MostWorkload(terms, a)));
            lower += MinimumWorkloadCost(terms, a);
            for (var t = 0; t < terms.TaskCount; t++)
            {
                for (var u = t + 1; u < terms.TaskCount; u++)
                {
                    var wait = terms.Allows(t, a) && terms.Allows(u, a) ? terms.PairWait(t, u, a) : 0;
                    (upper, lower) = wait > 0 ? (upper + wait, lower) : (upper, lower + wait);
                }
            }
        }

        return upper - lower + 1;
    }

    /// <summary>The objective's own scale: the largest spread between a task's options, plus one.</summary>
    public static double ScalePenalty(PureAssignment view) => ScalePenalty(AssignmentSurrogate.Of(view));

    /// <summary>
    /// The objective's own scale: the largest spread between a task's options (its linear cost plus what its load adds
    /// to the agent's workload terms at the level workload), plus one.
    /// </summary>
    public static double ScalePenalty(AssignmentSurrogate terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var level = (long)Math.Round(terms.BalanceTarget);
        var spread = 0.0;
        for (var t = 0; t < terms.TaskCount; t++)
        {
            var costs = Choices(terms, t).Select(a => terms.Cost(t, a) + (a == PureAssignment.Dropped ? 0 : terms.WorkloadCost(a, level + terms.Load(t, a)) - terms.WorkloadCost(a, level))).ToList();
            if (costs.Count > 0)
            {
                spread = Math.Max(spread, costs.Max() - costs.Min());
            }
        }

        return spread + 1;
    }

    public static CompiledAssignmentQubo Compile(PureAssignment view, double? penalty = null, SlackEncoding slack = SlackEncoding.Binary) =>
        Compile(AssignmentSurrogate.Of(view), penalty, slack);

    public static CompiledAssignmentQubo Compile(AssignmentSurrogate terms, double? penalty = null, SlackEncoding slack = SlackEncoding.Binary)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var provable = ProvablePenalty(terms);
        var p = penalty ?? provable;
        var model = new BinaryQuadraticModel(Vartype.Binary);
        var variables = new List<QuboVariable>();
        int Add(string label, QuboVariable meaning)
        {
            variables.Add(meaning);
            return model.AddVariable(label);
        }

        var byAgent = new List<(int Index, long Weight)>[terms.AgentCount];
        var tasksOf = new List<int>[terms.AgentCount];
        for (var a = 0; a < terms.AgentCount; a++)
        {
            byAgent[a] = [];
            tasksOf[a] = [];
        }

        for (var t = 0; t < terms.TaskCount; t++)
        {
            var group = new List<int>();
            foreach (var a in terms.Options[t])
            {
                var x = Add(string.Create(CultureInfo.InvariantCulture, $"x[{t},{a}]"), new QuboVariable(t, a, 0));
                model.AddLinear(x, terms.Cost(t, a));
                byAgent[a].Add((x, terms.Load(t, a)));
                tasksOf[a].Add(t);
                group.Add(x);
            }

            if (terms.Droppable[t])
            {
                var d = Add(string.Create(CultureInfo.InvariantCulture, $"d[{t}]"), new QuboVariable(t, PureAssignment.Dropped, 0));
                model.AddLinear(d, terms.Cost(t, PureAssignment.Dropped));
                group.Add(d);
            }

            if (group.Count == 0)
            {
                continue; // nothing can run it: the schedule reports the task, no sample can
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

        for (var a = 0; a < terms.AgentCount; a++)
        {
            AddWorkloadTerms(model, terms, a, byAgent[a]);
            AddWaits(model, terms, a, byAgent[a], tasksOf[a]);
            var capacity = terms.Capacity[a];
            if (byAgent[a].Sum(e => e.Weight) <= capacity)
            {
                continue;
            }

            var row = new List<(int Index, long Weight)>(byAgent[a]);
            foreach (var w in SlackWeights(capacity, slack))
            {
                row.Add((Add(string.Create(CultureInfo.InvariantCulture, $"s[{a},{row.Count}]"), new QuboVariable(-1, a, (int)w)), w));
            }

            // Q (Σ l_i z_i − C)² = Q Σ (l_i² − 2C l_i) z_i + 2Q Σ_{i<j} l_i l_j z_i z_j + Q C².
            AddSquare(model, row, p, -capacity);
        }

        return new CompiledAssignmentQubo(model, terms, variables, p, p, provable, slack);
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

    /// <summary>
    /// The agent's workload terms λ_B (W − Ŵ)² + σ_a W² = (λ_B + σ_a) W² − 2 λ_B Ŵ W + λ_B Ŵ², W = Σ l_i x_i, added
    /// through <see cref="AddSquare"/> (the linear part folded in as a shift of the square).
    /// </summary>
    private static void AddWorkloadTerms(BinaryQuadraticModel model, AssignmentSurrogate terms, int agent, List<(int Index, long Weight)> row)
    {
        var q = terms.BalanceWeight + terms.SpanWeight[agent];
        if (q == 0)
        {
            return;
        }

        // q (W − h)² + k with h = λ_B Ŵ / q and k = λ_B Ŵ² − q h² equals the terms above.
        var h = terms.BalanceWeight * terms.BalanceTarget / q;
        AddSquare(model, row, q, -h);
        model.Offset += (terms.BalanceWeight * terms.BalanceTarget * terms.BalanceTarget) - (q * h * h);
    }

    /// <summary>The priority-weighted wait of each pair of tasks that may share the agent, on their two variables.</summary>
    private static void AddWaits(BinaryQuadraticModel model, AssignmentSurrogate terms, int agent, List<(int Index, long Weight)> row, List<int> tasks)
    {
        for (var i = 0; i < row.Count; i++)
        {
            for (var j = i + 1; j < row.Count; j++)
            {
                var wait = terms.PairWait(tasks[i], tasks[j], agent);
                if (wait != 0)
                {
                    model.AddQuadratic(row[i].Index, row[j].Index, wait);
                }
            }
        }

    }

    /// <summary>weight · (Σ l_i z_i + shift)² on binary z: weight Σ (l_i² + 2 shift l_i) z_i + 2 weight Σ_{i&lt;j} l_i l_j z_i z_j + weight shift².</summary>
    private static void AddSquare(BinaryQuadraticModel model, List<(int Index, long Weight)> row, double weight, double shift)
    {
        for (var i = 0; i < row.Count; i++)
        {
            var li = (double)row[i].Weight;
            model.AddLinear(row[i].Index, weight * ((li * li) + (2.0 * shift * li)));
            for (var j = i + 1; j < row.Count; j++)
            {
                if (row[j].Weight != 0 && li != 0)
                {
                    model.AddQuadratic(row[i].Index, row[j].Index, 2 * weight * li * row[j].Weight);
                }
            }
        }

        model.Offset += weight * shift * shift;
    }

    private static IEnumerable<int> Choices(AssignmentSurrogate terms, int t) =>
        terms.Droppable[t] ? terms.Options[t].Append(PureAssignment.Dropped) : terms.Options[t];

    /// <summary>The most workload an agent can carry in a feasible state: all it may take, within maxWorkload.</summary>
    private static long MostWorkload(AssignmentSurrogate terms, int agent)
    {
        long most = 0;
        for (var t = 0; t < terms.TaskCount; t++)
        {
            most += terms.Allows(t, agent) ? terms.Load(t, agent) : 0;
        }

        return Math.Min(most, terms.Capacity[agent]);
    }

    /// <summary>
    /// The minimum over every real W of the agent's workload terms, q (W − h)² + k with h ≥ 0: k, a lower bound over
    /// all states (see <see cref="AddWorkloadTerms"/>).
    /// </summary>
    private static double MinimumWorkloadCost(AssignmentSurrogate terms, int agent)
    {
        var q = terms.BalanceWeight + terms.SpanWeight[agent];
        if (q == 0)
        {
            return 0;
        }

        var h = terms.BalanceWeight * terms.BalanceTarget / q;
        return (terms.BalanceWeight * terms.BalanceTarget * terms.BalanceTarget) - (q * h * h);
    }
}
