using System.Diagnostics;
using System.Globalization;
using Google.OrTools.Sat;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.OrTools.CpSat;
using QuantumPlanner.Solvers.Planning.GeneralizedAssignment;

namespace QuantumPlanner.OrTools.GeneralizedAssignment;

/// <summary>
/// The "cpsat" backend on a pure assignment problem with a feasible warm start. A Lagrangian relaxation
/// (<see cref="AssignmentLagrangian"/>) gives a bound and rules out every (task, agent) pair no better plan can use;
/// then a Lagrangian branch and bound (<see cref="AssignmentBranchAndBound"/>) and CP-SAT on the reduced model run
/// side by side, one core for the first and the rest for CP-SAT, and every CP-SAT solution tightens the branch and
/// bound's pruning. Whichever finishes its proof first stops the other. On OR-Library GAP types B and C with 200
/// jobs the branch and bound proves the optimum in 2–5 s, where CP-SAT alone ends 10 s a few units above it; on
/// type D CP-SAT's solutions are usually the better ones. With one worker the two take turns, half the time each.
/// </summary>
internal static class PureAssignmentSolve
{
    private static readonly TimeSpan LagrangianCap = TimeSpan.FromSeconds(1);

    /// <summary>How check mode names this path: the backend and its nested strategy, as backendsTried does.</summary>
    private static readonly string CheckName = $"{CpSat.CpSatBackend.BackendName}/{CpSat.CpSatBackend.LagrangianStrategy}";

    /// <summary>The result, or null when this path does not apply (no feasible warm start, or a problem too large for
    /// the knapsack tables or the search tree).</summary>
    public static BackendResult? TrySolve(
        PureAssignment view,
        IReadOnlyList<Assignment> warmStart,
        PlanningOptions options,
        int workers,
        CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var incumbent = view.FromAssignments(warmStart);
        var (upper, overload) = view.Evaluate(incumbent);
        if (overload > 0 || !AssignmentBranchAndBound.Supports(view) || AssignmentLagrangian.TryCreate(view) is not { } lagrangian)
        {
            return null;
        }

        if (options.Check)
        {
            // The warm start's cost in the view is the first objective this path claims (and may be its answer).
            ObjectiveCheck.VerifyAssignment(CheckName, view, incumbent, upper, claimsFeasible: true);
        }

        var scale = AssignmentCpModel.ScaleFor(view);
        double step = scale.Exact ? 1 / scale.Factor : 0;
        var share = options.TimeLimit / 10;
        lagrangian.Improve(upper, share < LagrangianCap ? share : LagrangianCap, ct);
        double lower = RoundUp(lagrangian.Bound, scale);
        var reduction = lagrangian.Reduce(upper, step);
        AssignmentEvents.Log.Lagrangian(lagrangian.Iterations, lagrangian.Bound, upper, reduction.Kept, reduction.Total, watch.ElapsedMilliseconds);
        if (lower >= upper - 1e-9 || reduction.IncumbentOptimal(view))
        {
            return Optimal(view, incumbent, upper);
        }

        var progress = new Progress(options.OnProgress, upper, options.Check ? view : null);
        using var finished = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var search = new AssignmentBranchAndBound(
            view,
            incumbent,
            step,
            () => finished.IsCancellationRequested || watch.Elapsed >= options.TimeLimit,
            progress.Report);

        CpOutcome cp;
        if (workers >= 2)
        {
            var model = ReducedModel(view, scale, incumbent, reduction);
            var cpRun = Task.Run(
                () =>
                {
                    var outcome = SolveCp(model, view, options.TimeLimit - watch.Elapsed, workers - 1, options.Seed, search, progress, finished.Token);
                    if (outcome.Proved)
                    {
                        finished.Cancel(); // proved: the branch and bound can stop
                    }

                    return outcome;
                },
                CancellationToken.None);
            search.Run(lagrangian);
            if (search.Exhausted)
            {
                finished.Cancel(); // proved: CP-SAT can stop
            }

            cp = cpRun.GetAwaiter().GetResult();
        }
        else
        {
            var half = watch.Elapsed + ((options.TimeLimit - watch.Elapsed) / 2);
            var turn = new AssignmentBranchAndBound(view, incumbent, step, () => ct.IsCancellationRequested || watch.Elapsed >= half, progress.Report);
            turn.Run(lagrangian);
            if (turn.Exhausted)
            {
                return Optimal(view, turn.Best, turn.Upper);
            }

            var model = ReducedModel(view, scale, turn.Best, lagrangian.Reduce(turn.Upper, step));
            search = turn;
            cp = SolveCp(model, view, options.TimeLimit - watch.Elapsed, 1, options.Seed, null, progress, ct);
        }

        if (progress.Failure is { } failure)
        {
            throw failure;
        }

        AssignmentEvents.Log.BranchAndBound(search.Nodes, search.Exhausted, search.Upper, cp.Status.ToString(), cp.Cost, cp.Bound, watch.ElapsedMilliseconds);
        var best = search.Best;
        double bestCost = search.Upper;
        if (cp.Plan is not null && cp.Cost < bestCost - 1e-9)
        {
            best = cp.Plan;
            bestCost = cp.Cost;
        }

        if (search.Exhausted || cp.Proved)
        {
            return Optimal(view, best, bestCost);
        }

        if (double.IsFinite(cp.Bound))
        {
            lower = Math.Max(lower, RoundUp(cp.Bound, scale));
        }

        return new BackendResult(view.ToAssignments(best), ProvedOptimal: false, Bound: Math.Min(lower, bestCost), Status: "feasible");
    }

    /// <summary>Only pairs a better plan may use, plus the incumbent's own: its optimum is then the global one.</summary>
    private static AssignmentCpModel ReducedModel(PureAssignment view, ObjectiveScale scale, int[] incumbent, AssignmentLagrangian.Reduction reduction)
    {
        int n = view.TaskCount, m = view.AgentCount;
        return AssignmentCpModel.Build(view, scale, freed: null, incumbent, (t, a) =>
        {
            if (incumbent[t] == a)
            {
                return true;
            }

            int slot = a == PureAssignment.Dropped ? (n * m) + t : (t * m) + a;
            int forced = reduction.Forced[t];
            return forced == AssignmentLagrangian.Free ? reduction.Allowed[slot] : forced == a;
        });
    }

    private static CpOutcome SolveCp(
        AssignmentCpModel model,
        PureAssignment view,
        TimeSpan limit,
        int workers,
        ulong seed,
        AssignmentBranchAndBound? search,
        Progress progress,
        CancellationToken ct)
    {
        if (limit <= TimeSpan.Zero || ct.IsCancellationRequested)
        {
            return new CpOutcome(CpSolverStatus.Unknown, null, double.PositiveInfinity, double.NegativeInfinity);
        }

        using var solver = new CpSolver
        {
            StringParameters = string.Create(
                CultureInfo.InvariantCulture,
                $"max_time_in_seconds:{limit.TotalSeconds:R} num_workers:{workers} random_seed:{(int)(seed % int.MaxValue)} log_search_progress:false"),
        };
        var callback = new SolutionCallback(model, view, search, progress);
        CpSolverStatus status;
        using (ct.Register(static s => ((CpSolver)s!).StopSearch(), solver))
        {
            status = solver.Solve(model.Model, callback);
        }

        if (status == CpSolverStatus.ModelInvalid)
        {
            throw new InvalidOperationException($"CP-SAT rejected the assignment model: {solver.SolutionInfo()}.");
        }

        double bound = model.Scale.ToPlanUnits(solver.BestObjectiveBound) - model.Scale.RoundingSlack;
        if (status is CpSolverStatus.Optimal or CpSolverStatus.Feasible)
        {
            var plan = model.Extract(solver, null);
            return new CpOutcome(status, plan, view.Evaluate(plan).Cost, bound);
        }

        return new CpOutcome(status, null, double.PositiveInfinity, bound);
    }

    private static BackendResult Optimal(PureAssignment view, int[] agentOf, double objective) =>
        new(view.ToAssignments(agentOf), ProvedOptimal: true, Bound: objective, Status: "optimal");

    private static double RoundUp(double bound, ObjectiveScale scale)
    {
        if (!double.IsFinite(bound))
        {
            return bound;
        }

        // Plans cost whole multiples of 1/Factor when the scale is exact, so the bound rounds up to the next one.
        return scale.Exact ? Math.Ceiling((bound * scale.Factor) - 1e-6) / scale.Factor : bound - 1e-9;
    }

    /// <summary>How the CP-SAT side ended: its status, best plan and cost, and its bound in plan units.</summary>
    private sealed record CpOutcome(CpSolverStatus Status, int[]? Plan, double Cost, double Bound)
    {
        public bool Proved => Status is CpSolverStatus.Optimal or CpSolverStatus.Infeasible;
    }

    /// <summary>Reports each objective better than every one before, from either thread; in check mode (a
    /// <paramref name="checkView"/>) re-scores each reported plan and keeps the first mismatch.</summary>
    private sealed class Progress(Action<double>? onProgress, double start, PureAssignment? checkView)
    {
        private readonly Lock gate = new();
        private double best = start;

        public ObjectiveCheckException? Failure { get; private set; }

        public void Report(int[] plan, double objective)
        {
            lock (gate)
            {
                if (checkView is not null && Failure is null)
                {
                    try
                    {
                        ObjectiveCheck.VerifyAssignment(CheckName, checkView, plan, objective, claimsFeasible: true);
                    }
                    catch (ObjectiveCheckException ex)
                    {
                        Failure = ex;
                    }
                }

                if (objective < best - 1e-9)
                {
                    best = objective;
                    onProgress?.Invoke(objective);
                }
            }
        }
    }

    private sealed class SolutionCallback(AssignmentCpModel model, PureAssignment view, AssignmentBranchAndBound? search, Progress progress)
        : CpSolverSolutionCallback
    {
        public override void OnSolutionCallback()
        {
            var plan = model.Extract(BooleanValue, null);
            search?.Suggest(plan);
            progress.Report(plan, view.Evaluate(plan).Cost);
        }
    }
}
