using System.Diagnostics;
using System.Globalization;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.Generation;
using QuantumPlanner.Solvers.Planning.LocalSearch;

namespace QuantumPlanner.Benchmarks;

/// <summary>
/// <c>moves [--agents 50] [--tasks 75] [--iterations 20000] [--runs 5] [--seed 1]</c>: local search moves per second on a
/// generated problem (dependencies, windows, two resources, every objective term weighted), a fixed move budget and
/// seed, so two builds compare on the same moves; prints the median, the plan's objective (equal across builds
/// when the search is unchanged) and the bytes allocated per move (0 for an allocation-free loop).
/// </summary>
internal static class MoveRuns
{
    public static int Measure(string[] args)
    {
        var agents = Int(args, "--agents", 50);
        var tasks = Int(args, "--tasks", 75);
        var iterations = Int(args, "--iterations", 20_000);
        var runs = Int(args, "--runs", 5);
        var seed = (ulong)Int(args, "--seed", 1);
        var generated = ProblemGenerator.Generate(new GeneratorOptions { Agents = agents, Tasks = tasks, Dependencies = 0.3, TimeWindows = true, Resources = 2, Seed = seed });
        var problem = generated with
        {
            Objective = new ObjectiveWeights { Makespan = 1, Cost = 0.01, Tardiness = 1, LoadBalance = 0.5, Priority = 0.1, Preferences = 1, Unassigned = 100 },
            HardDeadlines = false,
        };
        var options = new PlanningOptions { TimeLimit = TimeSpan.FromMinutes(10), MaxIterations = iterations, Seed = seed, Check = false };
        var rates = new List<double>();
        double objective = 0;
        for (var run = 0; run < runs; run++)
        {
            var watch = Stopwatch.StartNew();
            var result = new LocalSearchBackend().Solve(problem, options, CancellationToken.None);
            watch.Stop();
            rates.Add(iterations / watch.Elapsed.TotalSeconds);
            objective = PlanScorer.Score(problem, result.Assignments).Score.Objective;
        }

        // Marginal allocation per move: the difference between a run of 2N moves and one of N, so set-up does not count.
        var once = Allocated(problem, options);
        var twice = Allocated(problem, options with { MaxIterations = 2L * iterations });
        rates.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"moves/s median {rates[rates.Count / 2]:F0} (min {rates[0]:F0}, max {rates[^1]:F0}) over {runs} runs of {iterations} moves on {agents}x{tasks}; objective {objective:R}; {(double)(twice - once) / iterations:F1} bytes allocated per move"));
        return 0;
    }

    private static long Allocated(PlanningProblem problem, PlanningOptions options)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        new LocalSearchBackend().Solve(problem, options, CancellationToken.None);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static int Int(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
