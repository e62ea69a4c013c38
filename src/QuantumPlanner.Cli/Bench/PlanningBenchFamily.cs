using System.Diagnostics;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.OrTools.CpSat;

namespace QuantumPlanner.Cli.Bench;

/// <summary>What a planning backend produced for one benchmark instance.</summary>
public sealed record PlanningBenchResult(IReadOnlyList<Assignment> Assignments, string Status, double? TimeToBestS, string Backend);

/// <summary>Solves one imported instance with the named backend within the time limit.</summary>
public delegate PlanningBenchResult PlanningBenchSolver(PlanningProblem problem, string backend, TimeSpan timeLimit, ulong seed, CancellationToken cancellationToken);

/// <summary>
/// gap, jsp and rcpsp: import the instance into a <see cref="PlanningProblem"/> and solve it through the same
/// planning backends a user gets. Found is the benchmark's own measure of the plan (GAP: total cost; job shop and
/// RCPSP: makespan), and only a plan that breaks no constraint counts.
/// </summary>
public sealed class PlanningBenchFamily : IBenchFamily
{
    private readonly Func<string, PlanningProblem> _import;
    private readonly Func<PlanningProblem, IReadOnlyList<Assignment>, double> _measure;
    private readonly PlanningBenchSolver _solve;

    private PlanningBenchFamily(string name, Func<string, PlanningProblem> import, Func<PlanningProblem, IReadOnlyList<Assignment>, double> measure, PlanningBenchSolver solve)
    {
        Name = name;
        _import = import;
        _measure = measure;
        _solve = solve;
    }

    public const string DefaultBackend = CpSatBackend.BackendName;

    public string Name { get; }

    public static PlanningBenchFamily Gap(PlanningBenchSolver? solve = null) =>
        new("gap", GapImporter.Read, TotalCost, solve ?? SolveWithBackend);

    public static PlanningBenchFamily JobShop(PlanningBenchSolver? solve = null) =>
        new("jsp", JobShopImporter.Read, Makespan, solve ?? SolveWithBackend);

    public static PlanningBenchFamily Rcpsp(PlanningBenchSolver? solve = null) =>
        new("rcpsp", RcpspImporter.Read, Makespan, solve ?? SolveWithBackend);

    public BenchRow Run(BenchInstance instance, BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(options);
        var problem = _import(instance.Path);
        var backend = options.Solver ?? DefaultBackend;
        var clock = Stopwatch.StartNew();
        var result = _solve(problem, backend, options.TimeLimit, options.Seed, cancellationToken);
        double seconds = clock.Elapsed.TotalSeconds;
        string? problemWithPlan = BenchPlanCheck.FirstViolation(problem, result.Assignments);
        if (result.Assignments.Count == 0 || problemWithPlan is not null)
        {
            return BenchRow.Of(instance, null, seconds, null, result.Backend, problemWithPlan ?? $"no plan (status {result.Status})");
        }

        return BenchRow.Of(instance, _measure(problem, result.Assignments), seconds, result.TimeToBestS, $"{result.Backend}:{result.Status}");
    }

    /// <summary>Runs one backend by name; only <c>cpsat</c> is known here until the planning pipeline is merged.</summary>
    public static PlanningBenchResult SolveWithBackend(PlanningProblem problem, string backend, TimeSpan timeLimit, ulong seed, CancellationToken cancellationToken)
    {
        if (!string.Equals(backend, CpSatBackend.BackendName, StringComparison.Ordinal))
        {
            throw new UserInputException($"Unknown planning backend '{backend}' for the planning benchmarks. Maybe use --backend {CpSatBackend.BackendName}.");
        }

        var clock = Stopwatch.StartNew();
        double? timeToBest = null;
        var options = new PlanningOptions { TimeLimit = timeLimit, Seed = seed, OnProgress = _ => timeToBest = clock.Elapsed.TotalSeconds };
        var result = new CpSatBackend().Solve(problem, options, cancellationToken);
        return new PlanningBenchResult(result.Assignments, result.Status, timeToBest, backend);
    }

    internal static double Makespan(PlanningProblem problem, IReadOnlyList<Assignment> assignments)
    {
        int makespan = 0;
        foreach (var a in assignments)
        {
            makespan = Math.Max(makespan, a.End);
        }

        return makespan;
    }

    internal static double TotalCost(PlanningProblem problem, IReadOnlyList<Assignment> assignments)
    {
        var tasks = problem.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        double cost = 0;
        foreach (var a in assignments)
        {
            cost += tasks[a.Task].CostByAgent[a.Agent!];
        }

        return cost;
    }
}
