using System.Diagnostics;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.Exact;

namespace QuantumPlanner.Solvers.Planning;

/// <summary>
/// The portfolio the CLI and the service share: validates the problem, runs one backend or ("auto") greedy, then
/// exact when the problem is tiny, then local search warm-started from the best plan, then the complete solver
/// (<see cref="PlanningBackendSet.Complete"/>, CP-SAT) when composed (warm-started too) within the time limit, scores every result with <see cref="PlanScorer"/> and returns the best.
/// Throws <see cref="InvalidProblemException"/> (with every issue) for an invalid problem and
/// <see cref="ArgumentException"/> for an unknown backend name.
/// </summary>
public sealed class PlanningPipeline
{
    public const string Auto = "auto";

    private static readonly TimeSpan AssignmentTabuCap = TimeSpan.FromSeconds(0.5);

    private readonly PlanningBackendSet set;
    private readonly List<IPlanningBackend> backends;

    /// <summary>A pipeline over the built-in backends only (<see cref="PlanningBackendSet.BuiltIn"/>).</summary>
    public PlanningPipeline()
        : this(PlanningBackendSet.BuiltIn())
    {
    }

    public PlanningPipeline(PlanningBackendSet backends)
    {
        ArgumentNullException.ThrowIfNull(backends);
        set = backends;
        this.backends = [.. backends.All()];
        var duplicate = this.backends.GroupBy(b => b.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1 || string.Equals(g.Key, Auto, StringComparison.OrdinalIgnoreCase));
        if (duplicate is not null)
        {
            throw new ArgumentException($"Backend name '{duplicate.Key}' is taken more than once (or is the portfolio's own). Maybe give the new backend its own name.", nameof(backends));
        }
    }

    /// <summary>Every backend by name, whether it can run here and why not.</summary>
    public IReadOnlyList<(string Name, bool Available, string? Reason)> Backends()
    {
        var list = new List<(string, bool, string?)> { (Auto, true, null) };
        foreach (var b in backends)
        {
            var available = b.IsAvailable(out var reason);
            list.Add((b.Name, available, reason));
        }

        return list;
    }

    /// <summary>Validates <paramref name="problem"/>, then solves it (see <see cref="Solve(ValidatedProblem, string, PlanningOptions, CancellationToken)"/>).</summary>
    public Plan Solve(PlanningProblem problem, string backend, PlanningOptions options, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        var valid = ValidatedProblem.Create(problem);
        return Solve(valid, backend, options, ct, total);
    }

    /// <summary>Solves a problem its intake has validated already; <c>timing.compileMs</c> is then 0.</summary>
    public Plan Solve(ValidatedProblem problem, string backend, PlanningOptions options, CancellationToken ct) =>
        Solve(problem, backend, options, ct, Stopwatch.StartNew());

    private Plan Solve(ValidatedProblem valid, string backend, PlanningOptions options, CancellationToken ct, Stopwatch total)
    {
        ArgumentNullException.ThrowIfNull(valid);
        ArgumentNullException.ThrowIfNull(options);
        var problem = valid.Problem;
        backend = string.IsNullOrWhiteSpace(backend) ? Auto : backend.Trim();
        var compileMs = total.ElapsedMilliseconds;
        var deadline = DateTime.UtcNow + options.TimeLimit;
        var run = new Run(problem, options, deadline, ct);
        if (string.Equals(backend, Auto, StringComparison.OrdinalIgnoreCase))
        {
            RunAuto(run);
        }
        else
        {
            var chosen = Find(backend) ?? throw new ArgumentException(
                $"Unknown backend '{backend}'. Maybe one of: {string.Join(", ", Backends().Select(b => b.Name))}.", nameof(backend));
            run.Attempt(chosen, options.InitialAssignments);
        }

        return run.ToPlan(compileMs, total.ElapsedMilliseconds);
    }

    private IPlanningBackend? Find(string name) =>
        backends.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));

    private void RunAuto(Run run)
    {
        run.Attempt(set.Greedy, run.Options.InitialAssignments);
        if (ExactBackend.EstimateLeaves(run.Problem) <= ExactBackend.AutoLeafLimit && !run.Expired)
        {
            run.Attempt(set.Exact, null);
        }

        var cpsat = set.Complete;
        var cpsatReady = cpsat is not null && cpsat.IsAvailable(out _);
        if (cpsatReady && PureAssignment.TryCreate(run.Problem) is not null)
        {
            RunAssignmentAuto(run, set.LocalSearch, cpsat!);
            return;
        }

        if (!run.ProvedOptimal && !run.Expired)
        {
            // With CP-SAT to follow, local search only buys it a warm start, so it gets a small share of what is left
            // (docs/planning.md, "How auto splits its time").
            var share = cpsatReady ? run.Remaining / 10 : run.Remaining;
            run.Attempt(set.LocalSearch, run.BestAssignments, share);
        }

        if (cpsatReady && !run.ProvedOptimal && !run.Expired)
        {
            run.Attempt(cpsat!, run.BestAssignments);
        }
    }

    /// <summary>
    /// Pure assignment (no timing can matter, e.g. GAP): tabu search only until it has a feasible, decent plan
    /// (a twentieth of the time, at most <see cref="AssignmentTabuCap"/>), then the whole CP-SAT model warm-started
    /// from it. Greedy leaves tight GAP instances infeasible, so the tabu plan is CP-SAT's first incumbent; CP-SAT,
    /// which can prove optimality, gets the rest (docs/planning.md, "How auto splits its time").
    /// </summary>
    private static void RunAssignmentAuto(Run run, IPlanningBackend local, IPlanningBackend cpsat)
    {
        if (!run.ProvedOptimal && !run.Expired)
        {
            var share = run.Remaining / 20;
            run.Attempt(local, run.BestAssignments, share < AssignmentTabuCap ? share : AssignmentTabuCap);
        }

        if (!run.ProvedOptimal && !run.Expired)
        {
            run.Attempt(cpsat, run.BestAssignments);
        }
    }

    /// <summary>The state of one Solve call: attempts so far and the best scored plan.</summary>
    private sealed class Run(PlanningProblem problem, PlanningOptions options, DateTime deadline, CancellationToken ct)
    {
        private readonly List<BackendAttempt> attempts = [];
        private ScoredPlan? best;
        private string bestBackend = string.Empty;
        private double? bound;
        private long solveMs;
        private QuboInfo? qubo;

        public PlanningProblem Problem => problem;

        public PlanningOptions Options => options;

        public bool ProvedOptimal { get; private set; }

        public bool ProvedInfeasible { get; private set; }

        public bool Expired => ct.IsCancellationRequested || DateTime.UtcNow >= deadline;

        public TimeSpan Remaining
        {
            get
            {
                var left = deadline - DateTime.UtcNow;
                return left > TimeSpan.Zero ? left : TimeSpan.Zero;
            }
        }

        public IReadOnlyList<Assignment>? BestAssignments => best is null ? null : Assignments;

        private IReadOnlyList<Assignment> Assignments { get; set; } = [];

        public void Attempt(IPlanningBackend backend, IReadOnlyList<Assignment>? warmStart, TimeSpan? limit = null)
        {
            var watch = Stopwatch.StartNew();
            if (!backend.IsAvailable(out var reason))
            {
                attempts.Add(new BackendAttempt(backend.Name, null, 0, $"unavailable: {reason}"));
                return;
            }

            var backendOptions = options with
            {
                TimeLimit = limit ?? Remaining,
                InitialAssignments = warmStart,
            };
            BackendResult result;
            try
            {
                result = backend.Solve(problem, backendOptions, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException and not ObjectiveCheckException)
            {
                solveMs += watch.ElapsedMilliseconds;
                attempts.Add(new BackendAttempt(backend.Name, null, watch.ElapsedMilliseconds, $"error: {ex.Message}"));
                return;
            }

            var ms = watch.ElapsedMilliseconds;
            solveMs += ms;
            qubo = result.Qubo ?? qubo;
            if (result.Assignments.Count == 0 && problem.Tasks.Count > 0)
            {
                attempts.Add(new BackendAttempt(backend.Name, null, ms, result.Status));
                if (result.Status == "infeasible")
                {
                    ProvedInfeasible = true;
                }

                return;
            }

            var scored = PlanScorer.Evaluate(problem, result.Assignments);
            var ran = result.Strategy is { } strategy ? $"{backend.Name}/{strategy}" : backend.Name;
            attempts.Add(new BackendAttempt(ran, scored.Score.Objective, ms, scored.Score.HardViolations == 0 ? result.Status : "infeasible"));
            if (result.Bound is { } b && double.IsFinite(b))
            {
                bound = bound is { } old ? Math.Max(old, b) : b;
            }

            if (best is null || Better(scored, best))
            {
                best = scored;
                bestBackend = backend.Name;
                Assignments = result.Assignments;
                if (scored.Score.HardViolations == 0)
                {
                    // Progress means "best feasible objective so far"; an infeasible plan's objective can be lower.
                    options.OnProgress?.Invoke(scored.Score.Objective);
                }
            }

            if (result.ProvedOptimal && scored.Score.HardViolations == 0 && best == scored)
            {
                ProvedOptimal = true;
                bound = bound is { } old ? Math.Max(old, scored.Score.Objective) : scored.Score.Objective;
            }
        }

        public Plan ToPlan(long compileMs, long totalMs)
        {
            var timing = new PlanTiming(compileMs, solveMs, totalMs);
            if (best is null)
            {
                return new Plan
                {
                    Status = ProvedInfeasible ? "infeasible" : "no-solution",
                    Backend = attempts.Count > 0 ? attempts[^1].Backend : string.Empty,
                    BackendsTried = attempts,
                    Unassigned = problem.Tasks.Select(t => t.Id).ToList(),
                    Timing = timing,
                    Qubo = qubo,
                };
            }

            var feasible = best.Score.HardViolations == 0;
            double? gap = null;
            if (feasible && bound is { } lb)
            {
                var objective = best.Score.Objective;
                gap = objective == 0 ? 0 : Math.Max(0, (objective - lb) / Math.Abs(objective));
            }

            var optimal = feasible && (ProvedOptimal || gap is <= 1e-9);
            return new Plan
            {
                Status = !feasible ? "infeasible" : optimal ? "optimal" : "feasible",
                Backend = bestBackend,
                BackendsTried = attempts,
                Assignments = Assignments.OrderBy(a => a.Start).ThenBy(a => a.Agent, StringComparer.Ordinal).ThenBy(a => a.Task, StringComparer.Ordinal).ToList(),
                Unassigned = Unscheduled(),
                Score = best.Score,
                Metrics = best.Metrics,
                Bound = feasible ? bound : null,
                Gap = gap,
                Timing = timing,
                Qubo = qubo,
                Changes = problem.Baseline is null ? null : PlanChanges.Between(problem, Assignments),
            };
        }

        /// <summary>Every task without an assignment: dropped optional ones, and required ones the plan misses (also violations).</summary>
        private List<string> Unscheduled()
        {
            var placed = new HashSet<string>(Assignments.Select(a => a.Task), StringComparer.Ordinal);
            return problem.Tasks.Where(t => !placed.Contains(t.Id)).Select(t => t.Id).ToList();
        }

        private static bool Better(ScoredPlan candidate, ScoredPlan incumbent)
        {
            var cv = candidate.Score.HardViolations;
            var iv = incumbent.Score.HardViolations;
            if (cv != iv)
            {
                return cv < iv;
            }

            if (cv > 0)
            {
                var ca = candidate.Score.Violations.Sum(v => v.Amount);
                var ia = incumbent.Score.Violations.Sum(v => v.Amount);
                if (Math.Abs(ca - ia) > 1e-9)
                {
                    return ca < ia;
                }
            }

            return candidate.Score.Objective < incumbent.Score.Objective - 1e-9;
        }
    }
}
