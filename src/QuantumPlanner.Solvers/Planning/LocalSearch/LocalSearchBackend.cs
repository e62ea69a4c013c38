using System.Diagnostics;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.GeneralizedAssignment;
using QuantumPlanner.Solvers.Planning.Greedy;
using QuantumPlanner.Solvers.Planning.ScheduleGeneration;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Planning.LocalSearch;

/// <summary>
/// Late-acceptance hill climbing over (task order, agent per task), decoded by the serial schedule generator.
/// Moves: reassign a task to another capable agent (or drop/restore an optional one), swap the agents of two tasks,
/// and shift a task to another position between its last dependency and its first dependant (anywhere, or a short hop). Only the suffix of the order after the first
/// changed position is re-decoded. Starts from the warm start (options.InitialAssignments) or the greedy plan;
/// restarts from the best plan with a random kick when stuck; stops at the time limit, MaxIterations, cancellation,
/// or after several kicks in a row bring nothing. Same seed and MaxIterations → same plan.
/// </summary>
public sealed class LocalSearchBackend : IPlanningBackend
{
    /// <summary>The strategies, as backendsTried names them after "localsearch/".</summary>
    public const string LateAcceptance = "late-acceptance";

    public const string AssignmentTabu = "assignment-tabu";

    private const int HistoryLength = 200;
    private const int KicksWithoutGain = 20;

    public string Name => "localsearch";

    public bool IsAvailable(out string? reason)
    {
        reason = null;
        return true;
    }

    public BackendResult Solve(PlanningProblem problem, PlanningOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var p = new CompiledProblem(problem);
        if (PureAssignment.TryCreate(problem) is { } assignment)
        {
            return SolveAssignment(assignment, p, options, cancellationToken);
        }

        var search = new Search(p, options, cancellationToken);
        var (assignments, hard) = search.Run();
        return new BackendResult(assignments, false, null, hard > 0 ? "infeasible" : "feasible") { Strategy = LateAcceptance };
    }

    /// <summary>When timing cannot matter, the plan is an assignment and tabu search over it is far stronger than
    /// re-decoding schedules (see <see cref="AssignmentTabuSearch"/>).</summary>
    private static BackendResult SolveAssignment(
        PureAssignment model, CompiledProblem p, PlanningOptions options, CancellationToken ct)
    {
        var warm = options.InitialAssignments is { Count: > 0 } given ? given : GreedyBackend.Best(p, options.Check).Assignments;
        var search = new AssignmentTabuSearch(model, options.Seed)
        {
            OnImprovement = options.Check
                ? (agentOf, cost, fits) => ObjectiveCheck.VerifyAssignment($"localsearch/{AssignmentTabu}", model, agentOf, cost, fits)
                : null,
        };
        var (agentOf, feasible, _) = search.Run(
            model.FromAssignments(warm), options.TimeLimit, options.MaxIterations ?? long.MaxValue, options.OnProgress, ct);
        return new BackendResult(model.ToAssignments(agentOf), false, null, feasible ? "feasible" : "infeasible") { Strategy = AssignmentTabu };
    }

    /// <summary>
    /// The search over schedules, for the anneal backend: <see cref="Search.Place"/> decodes a given order and agent per
    /// task with the serial schedule generator, <see cref="Search.Run"/> polishes from the last one placed.
    /// </summary>
    internal static Search Schedules(CompiledProblem problem, PlanningOptions options, CancellationToken ct) => new(problem, options, ct);

    internal sealed class Search
    {
        private readonly CompiledProblem p;
        private readonly PlanningOptions options;
        private readonly CancellationToken ct;
        private readonly ScheduleBuilder b;
        private readonly int n;
        private readonly int[] order;
        private readonly int[] position;
        private readonly int[] genes;
        private readonly int[] reassignable;
        private Xoshiro256 rng;

        public Search(CompiledProblem problem, PlanningOptions options, CancellationToken ct)
        {
            p = problem;
            this.options = options;
            this.ct = ct;
            b = new ScheduleBuilder(problem);
            n = problem.TaskCount;
            order = new int[n];
            position = new int[n];
            genes = new int[n];
            rng = new Xoshiro256(options.Seed);
            var list = new List<int>();
            for (var t = 0; t < n; t++)
            {
                if (problem.Options[t].Length + (problem.MustRun[t] ? 0 : 1) > 1)
                {
                    list.Add(t);
                }
            }

            reassignable = list.ToArray();
        }

        private bool started;

        /// <summary>
        /// Places the tasks in <paramref name="taskOrder"/> (a topological order), each on its agent in
        /// <paramref name="agentGenes"/> (−2: left out) or, when that agent has no room, on the first capable one that
        /// has; returns the hard units and the weighted objective. <see cref="Run"/> then starts from this genotype.
        /// </summary>
        public (double Hard, double Objective) Place(int[] taskOrder, int[] agentGenes)
        {
            Restore(taskOrder, agentGenes);
            started = true;
            Decode(0);
            return (b.Hard, b.Objective());
        }

        public (List<Assignment> Assignments, double Hard) Run()
        {
            var watch = Stopwatch.StartNew();
            if (!started)
            {
                Initialise();
            }

            Decode(0);
            if (options.Check)
            {
                b.Verify(LateAcceptance);
            }

            var current = (b.Hard, b.Objective());
            var best = current;
            var bestOrder = (int[])order.Clone();
            var bestGenes = (int[])genes.Clone();
            var history = new (double Hard, double Soft)[HistoryLength];
            Array.Fill(history, current);
            var stall = Math.Max(5_000, 100 * n);
            long sinceBest = 0;
            var kicksWithoutGain = 0;
            var maxIterations = options.MaxIterations ?? long.MaxValue;
            var limitMs = options.TimeLimit.TotalMilliseconds;
            for (long iter = 0; iter < maxIterations && n > 1; iter++)
            {
                if ((iter & 63) == 0 && (ct.IsCancellationRequested || watch.Elapsed.TotalMilliseconds >= limitMs))
                {
                    break;
                }

                if (sinceBest > stall)
                {
                    if (++kicksWithoutGain > KicksWithoutGain)
                    {
                        break;
                    }

                    Restore(bestOrder, bestGenes);
                    for (var k = 0; k < 2 + (n / 10); k++)
                    {
                        RandomMove(out _);
                    }

                    Decode(0);
                    current = (b.Hard, b.Objective());
                    Array.Fill(history, current);
                    sinceBest = 0;
                }

                var undo = RandomMove(out var from);
                if (undo.Kind == MoveKind.None)
                {
                    sinceBest++;
                    continue;
                }

                Decode(from);
                var candidate = (b.Hard, b.Objective());
                var slot = (int)(iter % HistoryLength);
                if (!Worse(candidate, history[slot]) || !Worse(candidate, current))
                {
                    current = candidate;
                    if (Worse(best, candidate))
                    {
                        best = candidate;
                        Array.Copy(order, bestOrder, n);
                        Array.Copy(genes, bestGenes, n);
                        sinceBest = 0;
                        kicksWithoutGain = 0;
                        if (options.Check)
                        {
                            b.Verify(LateAcceptance);
                        }

                        if (best.Item1 == 0)
                        {
                            options.OnProgress?.Invoke(best.Item2);
                        }
                    }
                    else
                    {
                        sinceBest++;
                    }
                }
                else
                {
                    Revert(undo);
                    Decode(from);
                    sinceBest++;
                }

                history[slot] = current;
            }

            Restore(bestOrder, bestGenes);
            Decode(0);
            return (b.Assignments(), b.Hard);
        }

        private static bool Worse((double Hard, double Soft) x, (double Hard, double Soft) y) =>
            x.Hard > y.Hard + 1e-9 || (Math.Abs(x.Hard - y.Hard) <= 1e-9 && x.Soft > y.Soft + 1e-9);

        private void Initialise()
        {
            if (options.InitialAssignments is { Count: > 0 } warm && FromAssignments(warm))
            {
                return;
            }

            var (greedyOrder, greedyGenes) = GreedyBackend.Best(p, options.Check).Genotype;
            Array.Copy(greedyOrder, order, n);
            Array.Copy(greedyGenes, genes, n);
            for (var i = 0; i < n; i++)
            {
                position[order[i]] = i;
            }
        }

        /// <summary>Order by start time (left-out tasks last), repaired into a topological order; false when unusable.</summary>
        private bool FromAssignments(IReadOnlyList<Assignment> warm)
        {
            var taskIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var t = 0; t < n; t++)
            {
                taskIndex[p.Problem.Tasks[t].Id] = t;
            }

            var agentIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var a = 0; a < p.AgentCount; a++)
            {
                agentIndex[p.Problem.Agents[a].Id] = a;
            }

            var key = new double[n];
            Array.Fill(genes, -2);
            Array.Fill(key, double.MaxValue);
            foreach (var a in warm)
            {
                if (!taskIndex.TryGetValue(a.Task, out var t))
                {
                    return false;
                }

                var agent = a.Agent is null ? CompiledProblem.NoAgent : agentIndex.GetValueOrDefault(a.Agent, int.MinValue);
                if (Array.IndexOf(p.Options[t], agent) < 0)
                {
                    agent = p.Options[t].Length > 0 ? p.Options[t][0] : -2;
                }

                genes[t] = agent;
                key[t] = a.Start + (a.End / 1e7);
            }

            for (var t = 0; t < n; t++)
            {
                if (genes[t] == -2 && p.MustRun[t] && p.Options[t].Length > 0)
                {
                    genes[t] = p.Options[t][0];
                }
            }

            // Kahn's algorithm that always takes the ready task with the smallest key.
            var remaining = new int[n];
            for (var t = 0; t < n; t++)
            {
                remaining[t] = p.Predecessors[t].Length;
            }

            var ready = new PriorityQueue<int, (double, int)>();
            for (var t = 0; t < n; t++)
            {
                if (remaining[t] == 0)
                {
                    ready.Enqueue(t, (key[t], t));
                }
            }

            var i = 0;
            while (ready.TryDequeue(out var t, out _))
            {
                order[i] = t;
                position[t] = i++;
                foreach (var s in p.Successors[t])
                {
                    if (--remaining[s] == 0)
                    {
                        ready.Enqueue(s, (key[s], s));
                    }
                }
            }

            return i == n;
        }

        /// <summary>Re-decodes the order from position <paramref name="from"/> on, keeping the placements before it.</summary>
        private void Decode(int from)
        {
            while (b.Depth > from)
            {
                b.Undo();
            }

            for (var i = from; i < n; i++)
            {
                var t = order[i];
                var g = genes[t];
                if (g == -2 || (!p.MustRun[t] && b.HasMissingPredecessor(t)))
                {
                    b.Skip(t);
                    continue;
                }

                var ready = b.ReadyTime(t);
                var s = b.Start(t, g, ready);
                if (s >= 0)
                {
                    b.Place(t, g, s);
                    continue;
                }

                // The chosen agent has no room (windows or maxWorkload): take the first capable agent that has.
                var placed = false;
                foreach (var a in p.Options[t])
                {
                    if (a != g && (s = b.Start(t, a, ready)) >= 0)
                    {
                        b.Place(t, a, s);
                        placed = true;
                        break;
                    }
                }

                if (!placed)
                {
                    b.Skip(t);
                }
            }
        }

        private Move RandomMove(out int from)
        {
            from = 0;
            var kind = rng.NextInt(20);
            if (reassignable.Length > 0 && kind < 7)
            {
                var t = reassignable[rng.NextInt(reassignable.Length)];
                var choices = p.Options[t];
                var count = choices.Length + (p.MustRun[t] ? 0 : 1);
                var pick = rng.NextInt(count);
                var gene = pick < choices.Length ? choices[pick] : -2;
                if (gene == genes[t])
                {
                    pick = (pick + 1 + rng.NextInt(count - 1)) % count;
                    gene = pick < choices.Length ? choices[pick] : -2;
                }

                var old = genes[t];
                genes[t] = gene;
                from = position[t];
                return new Move(MoveKind.Reassign, t, old, 0);
            }

            if (reassignable.Length > 1 && kind < 10)
            {
                // Swap the agents of two tasks: keeps both agents' loads roughly level while changing who does what.
                var t1 = reassignable[rng.NextInt(reassignable.Length)];
                var t2 = reassignable[rng.NextInt(reassignable.Length)];
                var g1 = genes[t1];
                var g2 = genes[t2];
                if (t1 == t2 || g1 == g2 || g1 < 0 || g2 < 0 || Array.IndexOf(p.Options[t1], g2) < 0 || Array.IndexOf(p.Options[t2], g1) < 0)
                {
                    return new Move(MoveKind.None, 0, 0, 0);
                }

                genes[t1] = g2;
                genes[t2] = g1;
                from = Math.Min(position[t1], position[t2]);
                return new Move(MoveKind.Swap, t1, t2, 0);
            }

            var i = rng.NextInt(n);
            var task = order[i];
            var lo = 0;
            foreach (var pred in p.Predecessors[task])
            {
                lo = Math.Max(lo, position[pred] + 1);
            }

            var hi = n - 1;
            foreach (var succ in p.Successors[task])
            {
                hi = Math.Min(hi, position[succ] - 1);
            }

            if (kind >= 17)
            {
                // A short hop: most good orders differ from their neighbours by a few places.
                lo = Math.Max(lo, i - 3);
                hi = Math.Min(hi, i + 3);
            }

            if (hi <= lo)
            {
                return new Move(MoveKind.None, 0, 0, 0);
            }

            var j = lo + rng.NextInt(hi - lo);
            if (j >= i)
            {
                j++;
            }

            Shift(i, j);
            from = Math.Min(i, j);
            return new Move(MoveKind.Shift, task, i, j);
        }

        private void Revert(Move move)
        {
            if (move.Kind == MoveKind.Reassign)
            {
                genes[move.Task] = move.A;
            }
            else if (move.Kind == MoveKind.Swap)
            {
                (genes[move.Task], genes[move.A]) = (genes[move.A], genes[move.Task]);
            }
            else if (move.Kind == MoveKind.Shift)
            {
                Shift(move.B, move.A);
            }
        }

        /// <summary>Moves the task at position i to position j, sliding the ones between.</summary>
        private void Shift(int i, int j)
        {
            var task = order[i];
            if (i < j)
            {
                for (var k = i; k < j; k++)
                {
                    order[k] = order[k + 1];
                    position[order[k]] = k;
                }
            }
            else
            {
                for (var k = i; k > j; k--)
                {
                    order[k] = order[k - 1];
                    position[order[k]] = k;
                }
            }

            order[j] = task;
            position[task] = j;
        }

        private void Restore(int[] savedOrder, int[] savedGenes)
        {
            Array.Copy(savedOrder, order, n);
            Array.Copy(savedGenes, genes, n);
            for (var i = 0; i < n; i++)
            {
                position[order[i]] = i;
            }
        }
    }

    private enum MoveKind
    {
        None,
        Reassign,
        Swap,
        Shift,
    }

    private readonly record struct Move(MoveKind Kind, int Task, int A, int B);
}
