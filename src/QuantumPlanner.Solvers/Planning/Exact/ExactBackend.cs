using System.Diagnostics;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.ScheduleGeneration;

namespace QuantumPlanner.Solvers.Planning.Exact;

/// <summary>
/// Enumerates every task order and agent choice (and drop choice for optional tasks) through the serial schedule
/// generator, with a bound that cuts branches which can no longer win. For the scorer's objective (regular in the
/// completion times, the other terms fixed by the agent choice) the schedules so generated include an optimal one,
/// so a finished enumeration proves optimality. The changes term is not regular (keeping a baseline start can mean
/// starting later), so a task on its baseline agent is also tried at its baseline start
/// (<see cref="ScheduleBuilder.KeepStart"/>); with that branch the argument still holds. Meant for tiny problems and for checking the other backends in
/// tests; larger ones are refused with a message.
/// </summary>
public sealed class ExactBackend : IPlanningBackend
{
    /// <summary>Largest number of orders × choices accepted (before pruning).</summary>
    public const double LeafLimit = 5e6;

    /// <summary>The auto pipeline only tries exact below this, where it takes milliseconds.</summary>
    public const double AutoLeafLimit = 2e4;

    public const int MaxTasks = 10;

    public string Name => "exact";

    public bool IsAvailable(out string? reason)
    {
        reason = null;
        return true;
    }

    /// <summary>n! × Π choices per task: an upper bound on the enumeration's leaves.</summary>
    public static double EstimateLeaves(PlanningProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.Tasks.Count > MaxTasks)
        {
            return double.PositiveInfinity;
        }

        var leaves = 1.0;
        for (var i = 0; i < problem.Tasks.Count; i++)
        {
            var task = problem.Tasks[i];
            var choices = problem.Agents.Count == 0 ? 1 : problem.Agents.Count(a => a.HasSkillsFor(task));
            leaves *= (i + 1) * Math.Max(1, choices + (task.Optional ? 1 : 0));
        }

        return leaves;
    }

    public BackendResult Solve(PlanningProblem problem, PlanningOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        var leaves = EstimateLeaves(problem);
        if (leaves > LeafLimit)
        {
            return new BackendResult([], false, null,
                $"refused: exact enumerates every order and agent choice and accepts at most {MaxTasks} tasks and {LeafLimit:0.#e0} combinations; this problem has {problem.Tasks.Count} tasks and about {leaves:0.#e0}. Maybe use --backend localsearch or cpsat.");
        }

        var search = new Enumeration(new CompiledProblem(problem), options, cancellationToken);
        search.Run();
        if (search.Best is null)
        {
            return new BackendResult([], false, null, "no-solution (time limit before the first complete plan)");
        }

        var proved = !search.Aborted && search.BestHard <= 0;
        var status = search.BestHard > 0 ? "infeasible" : proved ? "optimal" : "feasible";
        return new BackendResult(search.Best, proved, proved ? search.BestSoft : null, status);
    }

    private sealed class Enumeration(CompiledProblem p, PlanningOptions options, CancellationToken ct)
    {
        private readonly ScheduleBuilder b = new(p);
        private readonly bool[] decided = new bool[p.TaskCount];
        private readonly int[] remainingPreds = p.Predecessors.Select(x => x.Length).ToArray();
        private readonly double[] maxPreference = p.Preference.Select(x => x.Length == 0 ? 0 : Math.Max(0, x.Max())).ToArray();
        private readonly Stopwatch watch = Stopwatch.StartNew();
        private double remainingPreference;
        private long nodes;

        public List<Assignment>? Best { get; private set; }

        public double BestHard { get; private set; } = double.PositiveInfinity;

        public double BestSoft { get; private set; } = double.PositiveInfinity;

        public bool Aborted { get; private set; }

        public void Run()
        {
            remainingPreference = maxPreference.Sum();
            Visit(0);
        }

        private void Visit(int depth)
        {
            if ((++nodes & 1023) == 0 && (ct.IsCancellationRequested || watch.Elapsed >= options.TimeLimit))
            {
                Aborted = true;
            }

            if (Aborted)
            {
                return;
            }

            if (b.Hard > BestHard + 1e-9)
            {
                return;
            }

            if (depth == p.TaskCount)
            {
                var soft = b.Objective();
                if (b.Hard < BestHard - 1e-9 || soft < BestSoft - 1e-9)
                {
                    BestHard = b.Hard;
                    BestSoft = soft;
                    Best = b.Assignments();
                    if (options.Check)
                    {
                        b.Verify("exact");
                    }
                }

                return;
            }

            // Preferences can still lower the objective by at most the best preference of every undecided task.
            var lower = b.MonotoneObjective() - (p.Weights.Preferences * (b.PreferenceSum + remainingPreference));
            if (Math.Abs(b.Hard - BestHard) <= 1e-9 && lower >= BestSoft - 1e-9)
            {
                return;
            }

            for (var t = 0; t < p.TaskCount; t++)
            {
                if (decided[t] || remainingPreds[t] != 0)
                {
                    continue;
                }

                decided[t] = true;
                remainingPreference -= maxPreference[t];
                foreach (var s in p.Successors[t])
                {
                    remainingPreds[s]--;
                }

                Branch(t, depth);

                foreach (var s in p.Successors[t])
                {
                    remainingPreds[s]++;
                }

                remainingPreference += maxPreference[t];
                decided[t] = false;
            }
        }

        private void Branch(int t, int depth)
        {
            var droppable = !p.MustRun[t];
            if (!(droppable && b.HasMissingPredecessor(t)))
            {
                var ready = p.DemandResource[t].Length > 0 ? b.ResourceReady(t, b.ReadyTime(t)) : b.ReadyTime(t);
                var placed = false;
                foreach (var a in p.Options[t])
                {
                    var s = b.EarliestStart(t, a, ready);
                    if (s < 0)
                    {
                        continue;
                    }

                    placed = true;
                    b.Place(t, a, s);
                    Visit(depth + 1);
                    b.Undo();
                    if (b.KeepStart(t, a, s) is var keep && keep >= 0)
                    {
                        b.Place(t, a, keep);
                        Visit(depth + 1);
                        b.Undo();
                    }
                }

                if (placed && !droppable)
                {
                    return;
                }
            }

            b.Skip(t);
            Visit(depth + 1);
            b.Undo();
        }
    }
}
