using System.Globalization;
using Google.OrTools.Sat;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.OrTools.CpSat;

namespace QuantumPlanner.OrTools.GeneralizedAssignment;

/// <summary>
/// The CP-SAT model of (part of) a <see cref="PureAssignment"/>: one Boolean per allowed (task, agent) pair and per
/// drop option, exactly one per task, a linear maxWorkload row per agent and a linear objective. Tasks outside
/// <c>freed</c> stay where <c>current</c> has them and only take capacity away (neighbourhood search); a pair filter
/// removes pairs that no better plan can use (Lagrangian reduction).
/// </summary>
internal sealed class AssignmentCpModel
{
    private readonly PureAssignment view;
    private readonly List<(int Task, int Agent, BoolVar Literal)> literals = [];
    private readonly LinearExprBuilder objective = LinearExpr.NewBuilder();

    private AssignmentCpModel(PureAssignment view, ObjectiveScale scale)
    {
        this.view = view;
        Scale = scale;
    }

    public CpModel Model { get; } = new();

    public ObjectiveScale Scale { get; }

    /// <summary>The objective scale every assignment model of <paramref name="view"/> uses.</summary>
    public static ObjectiveScale ScaleFor(PureAssignment view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var coefficients = new List<double>(view.PairCost) { view.DropCost };
        return ObjectiveScale.Choose(coefficients, 0, 1);
    }

    /// <param name="view">The problem.</param>
    /// <param name="scale">From <see cref="ScaleFor"/>.</param>
    /// <param name="freed">Tasks to (re-)assign; null for all.</param>
    /// <param name="current">Where every task is now (hinted; tasks not freed stay there); null for none.</param>
    /// <param name="allows">Pair filter (task, agent or <see cref="PureAssignment.Dropped"/>); null allows every option.</param>
    public static AssignmentCpModel Build(
        PureAssignment view,
        ObjectiveScale scale,
        IReadOnlyList<int>? freed,
        int[]? current,
        Func<int, int, bool>? allows = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        int n = view.TaskCount, m = view.AgentCount;
        var model = new AssignmentCpModel(view, scale);
        var fixedLoad = new long[m];
        var isFreed = new bool[n];
        if (freed is null)
        {
            Array.Fill(isFreed, true);
        }
        else
        {
            foreach (int t in freed)
            {
                isFreed[t] = true;
            }
        }

        for (int t = 0; t < n; t++)
        {
            if (!isFreed[t] && current is not null && current[t] >= 0)
            {
                fixedLoad[current[t]] += view.PairLoad[(t * m) + current[t]];
            }
        }

        var load = new LinearExprBuilder?[m];
        var choices = new List<ILiteral>();
        var cp = model.Model;
        for (int t = 0; t < n; t++)
        {
            if (!isFreed[t])
            {
                continue;
            }

            int holder = current is null ? int.MinValue : current[t];
            choices.Clear();
            foreach (int a in view.Options[t])
            {
                int pair = (t * m) + a;
                if (view.PairLoad[pair] > view.Capacity[a] - fixedLoad[a] || (allows is not null && !allows(t, a)))
                {
                    continue; // cannot fit there whatever the other freed tasks do, or cannot be in a better plan
                }

                var x = cp.NewBoolVar(string.Create(CultureInfo.InvariantCulture, $"x{t}_{a}"));
                model.literals.Add((t, a, x));
                choices.Add(x);
                (load[a] ??= LinearExpr.NewBuilder()).AddTerm(x, view.PairLoad[pair]);
                model.objective.AddTerm(x, scale.ToInteger(view.PairCost[pair]));
                if (current is not null)
                {
                    cp.AddHint(x, holder == a);
                }
            }

            if (view.Droppable[t] && (allows is null || allows(t, PureAssignment.Dropped)))
            {
                var drop = cp.NewBoolVar(string.Create(CultureInfo.InvariantCulture, $"drop{t}"));
                model.literals.Add((t, PureAssignment.Dropped, drop));
                choices.Add(drop);
                model.objective.AddTerm(drop, scale.ToInteger(view.DropCost));
                if (current is not null)
                {
                    cp.AddHint(drop, holder == PureAssignment.Dropped);
                }
            }

            cp.AddExactlyOne(choices); // with no choice left this is false: no (better) plan exists
        }

        for (int a = 0; a < m; a++)
        {
            if (load[a] is { } expression && view.Capacity[a] < long.MaxValue / 4)
            {
                cp.Add(expression <= view.Capacity[a] - fixedLoad[a]);
            }
        }

        cp.Minimize(model.objective);
        return model;
    }

    /// <summary>Each task's agent after a solve: freed tasks from the solver, the others from <paramref name="current"/>.</summary>
    public int[] Extract(CpSolver solver, int[]? current)
    {
        ArgumentNullException.ThrowIfNull(solver);
        return Extract(solver.BooleanValue, current);
    }

    /// <summary>As <see cref="Extract(CpSolver, int[])"/>, from a solution callback's values.</summary>
    public int[] Extract(Func<ILiteral, bool> isTrue, int[]? current)
    {
        ArgumentNullException.ThrowIfNull(isTrue);
        var agentOf = current is null ? new int[view.TaskCount] : (int[])current.Clone();
        foreach (var (task, agent, literal) in literals)
        {
            if (isTrue(literal))
            {
                agentOf[task] = agent;
            }
        }

        return agentOf;
    }
}
