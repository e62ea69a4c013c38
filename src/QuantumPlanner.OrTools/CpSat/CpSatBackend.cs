using System.Globalization;
using Google.OrTools.Sat;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.OrTools.GeneralizedAssignment;

namespace QuantumPlanner.OrTools.CpSat;

/// <summary>
/// The exact classical backend: the whole planning problem as one CP-SAT model (see <see cref="PlanningCpModel"/>).
/// It reports CP-SAT's status and its proven lower bound beside the plan, in the plan's objective units.
/// With more than one worker CP-SAT is not bit-for-bit reproducible under a wall-clock limit; the seed still fixes
/// every worker's random choices.
/// </summary>
public sealed class CpSatBackend : IPlanningBackend
{
    public const string BackendName = "cpsat";

    /// <summary>The strategy backendsTried names as "cpsat/lagrangian-bb": Lagrangian branch and bound beside CP-SAT.</summary>
    public const string LagrangianStrategy = "lagrangian-bb";

    private readonly int _workers;

    public CpSatBackend()
        : this(Environment.ProcessorCount)
    {
    }

    /// <param name="workers">CP-SAT search workers; the default is one per processor.</param>
    public CpSatBackend(int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _workers = workers;
    }

    public string Name => BackendName;

    public bool IsAvailable(out string? reason)
    {
        try
        {
            // Loading the native library is what fails on an unsupported platform.
            using var probe = new CpSolver();
            reason = null;
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            reason = $"OR-Tools native library could not be loaded: {ex.Message}";
            return false;
        }
    }

    public BackendResult Solve(PlanningProblem problem, PlanningOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);

        // A pure assignment problem with a feasible warm start: Lagrangian branch and bound beside CP-SAT.
        if (options.InitialAssignments is { Count: > 0 } warm
            && PureAssignment.TryCreate(problem) is { } view
            && PureAssignmentSolve.TrySolve(view, warm, options, _workers, cancellationToken) is { } reduced)
        {
            return reduced with { Strategy = LagrangianStrategy };
        }

        // Data → model → variables → constraints → objective.
        var model = PlanningCpModel.Build(problem);
        if (model.TriviallyInfeasibleReason is not null)
        {
            return new BackendResult([], ProvedOptimal: false, Bound: null, Status: "infeasible");
        }

        if (options.InitialAssignments is { Count: > 0 } hints)
        {
            model.AddHints(hints);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return new BackendResult([], ProvedOptimal: false, Bound: null, Status: "unknown");
        }

        // Solve.
        using var solver = new CpSolver
        {
            StringParameters = Parameters(options),
        };
        var check = options.Check ? new SolutionCheck(problem, model) : null;
        var callback = new ProgressCallback(model.Scale, options.OnProgress, solver, check, cancellationToken);
        CpSolverStatus status;
        using (cancellationToken.Register(static s => ((CpSolver)s!).StopSearch(), solver))
        using (new Timer(static s => ((ProgressCallback)s!).StopIfCancelled(), callback, 50, 50))
        {
            // The timer covers a cancel that lands before the solver's stop flag exists.
            status = solver.Solve(model.Model, callback);
        }

        // A check failure inside the callback stopped the search; it surfaces here, outside the native solver.
        if (check?.Failure is { } failure)
        {
            throw failure;
        }

        // Check status → report.
        return status switch
        {
            CpSolverStatus.Optimal or CpSolverStatus.Feasible => new BackendResult(
                model.Extract(v => solver.Value(v), l => solver.BooleanValue(l)),
                ProvedOptimal: status == CpSolverStatus.Optimal,
                Bound: Bound(model.Scale, solver.BestObjectiveBound),
                Status: status == CpSolverStatus.Optimal ? "optimal" : "feasible"),
            CpSolverStatus.Infeasible => new BackendResult([], ProvedOptimal: false, Bound: null, Status: "infeasible"),
            CpSolverStatus.ModelInvalid => throw new InvalidOperationException(
                $"CP-SAT rejected the model of problem '{problem.Name}': {solver.SolutionInfo()}. " +
                "Maybe validate the problem first (qplan validate)."),
            _ => new BackendResult([], ProvedOptimal: false, Bound: null, Status: "unknown"),
        };
    }

    private static double Bound(ObjectiveScale scale, double scaledBound) =>
        scale.ToPlanUnits(scaledBound) - scale.RoundingSlack;

    private string Parameters(PlanningOptions options)
    {
        double seconds = Math.Max(0.001, options.TimeLimit.TotalSeconds);
        int seed = (int)(options.Seed % int.MaxValue);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"max_time_in_seconds:{seconds:R} num_workers:{_workers} random_seed:{seed} log_search_progress:false");
    }

    /// <summary>Check mode: every solution's per-term values in the model against the scorer's.</summary>
    private sealed class SolutionCheck(PlanningProblem problem, PlanningCpModel model)
    {
        public ObjectiveCheckException? Failure { get; private set; }

        public void Verify(CpSolverSolutionCallback solution)
        {
            if (Failure is not null)
            {
                return;
            }

            try
            {
                var plan = model.Extract(solution.Value, solution.BooleanValue);
                var values = model.TermValues(solution.Value);
                var scored = PlanScorer.Score(problem, plan).Score;

                // Auxiliary terms only bound the plan's value from above until the search proves them tight.
                foreach (var term in PlanningCpModel.UpperBoundTerms)
                {
                    double actual = scored.Breakdown[(int)term].Value;
                    if (values[(int)term] >= actual - 1e-6)
                    {
                        values[(int)term] = actual;
                    }
                }

                ObjectiveCheck.Verify(BackendName, problem, plan, values, claimsFeasible: true);
            }
            catch (ObjectiveCheckException ex)
            {
                Failure = ex;
                solution.StopSearch();
            }
        }
    }

    private sealed class ProgressCallback(
        ObjectiveScale scale,
        Action<double>? onProgress,
        CpSolver solver,
        SolutionCheck? check,
        CancellationToken cancellationToken) : CpSolverSolutionCallback
    {
        public override void OnSolutionCallback()
        {
            check?.Verify(this);
            onProgress?.Invoke(scale.ToPlanUnits(ObjectiveValue()));
            if (cancellationToken.IsCancellationRequested)
            {
                StopSearch();
            }
        }

        public void StopIfCancelled()
        {
            if (cancellationToken.IsCancellationRequested)
            {
                solver.StopSearch();
            }
        }
    }
}
