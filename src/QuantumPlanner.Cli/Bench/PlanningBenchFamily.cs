using System.Diagnostics;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.OrTools;
using QuantumPlanner.Solvers.Planning;

namespace QuantumPlanner.Cli.Bench;

/// <summary>What a planning backend produced for one benchmark instance.</summary>
public sealed record PlanningBenchResult(IReadOnlyList<Assignment> Assignments, string Status, double? TimeToBestS, string Backend);

/// <summary>Solves one imported instance with the named backend within the time limit.</summary>
public delegate PlanningBenchResult PlanningBenchSolver(PlanningProblem problem, string backend, TimeSpan timeLimit, ulong seed, CancellationToken cancellationToken);

/// <summary>
/// gap, jsp and rcpsp: import the instance into a <see cref="PlanningProblem"/> and solve it through the same
/// <see cref="PlanningPipeline"/> a user gets (<c>--backend auto</c> by default, or one backend). Found is the
/// benchmark's own measure of the plan as <see cref="PlanScorer"/> computes it (GAP: total cost; job shop and
/// RCPSP: makespan); a plan with any hard violation counts as no result.
/// </summary>
public sealed class PlanningBenchFamily : IBenchFamily
{
    private readonly Func<string, PlanningProblem> _import;
    private readonly Func<PlanMetrics, double> _measure;
    private readonly PlanningBenchSolver _solve;

    private PlanningBenchFamily(string name, Func<string, PlanningProblem> import, Func<PlanMetrics, double> measure, PlanningBenchSolver solve)
    {
        Name = name;
        _import = import;
        _measure = measure;
        _solve = solve;
    }

    public string Name { get; }

    public static PlanningBenchFamily Gap(PlanningBenchSolver? solve = null) =>
        new("gap", GapImporter.Read, m => m.Cost, solve ?? SolveWithPipeline);

    public static PlanningBenchFamily JobShop(PlanningBenchSolver? solve = null) =>
        new("jsp", JobShopImporter.Read, m => m.Makespan, solve ?? SolveWithPipeline);

    public static PlanningBenchFamily Rcpsp(PlanningBenchSolver? solve = null) =>
        new("rcpsp", RcpspImporter.Read, m => m.Makespan, solve ?? SolveWithPipeline);

    public BenchRow Run(BenchInstance instance, BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(options);
        var problem = _import(instance.Path);
        var backend = options.Solver ?? PlanningPipeline.Auto;
        var clock = Stopwatch.StartNew();
        var result = _solve(problem, backend, options.TimeLimit, options.Seed, cancellationToken);
        double seconds = clock.Elapsed.TotalSeconds;
        if (result.Assignments.Count == 0)
        {
            return BenchRow.Of(instance, null, seconds, null, result.Backend, $"no plan (status {result.Status})");
        }

        var scored = PlanScorer.Evaluate(problem, result.Assignments);
        if (scored.Score.Violations.Count > 0)
        {
            var first = scored.Score.Violations[0];
            return BenchRow.Of(instance, null, seconds, null, result.Backend, $"{scored.Score.Violations.Count} hard violations, first {first.Constraint}: {first.Message}");
        }

        return BenchRow.Of(instance, _measure(scored.Metrics), seconds, result.TimeToBestS, $"{result.Backend}:{result.Status}");
    }

    /// <summary>Runs the planning pipeline with CP-SAT registered: <c>auto</c> or any one backend by name.</summary>
    public static PlanningBenchResult SolveWithPipeline(PlanningProblem problem, string backend, TimeSpan timeLimit, ulong seed, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        double? timeToBest = null;
        double best = double.PositiveInfinity;
        var options = new PlanningOptions
        {
            TimeLimit = timeLimit,
            Seed = seed,
            OnProgress = objective =>
            {
                // Backends run one after another; each reports its own improvements, so keep the overall best.
                if (objective < best - 1e-9)
                {
                    best = objective;
                    timeToBest = clock.Elapsed.TotalSeconds;
                }
            },
        };
        Plan plan;
        try
        {
            plan = PlanningBackends.CreatePipeline().Solve(problem, backend, options, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }

        return new PlanningBenchResult(plan.Assignments, plan.Status, timeToBest, plan.Backend);
    }
}
