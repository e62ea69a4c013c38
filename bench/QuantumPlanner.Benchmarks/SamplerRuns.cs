using System.Globalization;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling.Annealing;

namespace QuantumPlanner.Benchmarks;

/// <summary>
/// Console measurements for the annealing samplers before the CLI exists:
/// <c>flips FILE [--sweeps N] [--reads N] [--threads N] [--kernel auto|scalar|table|simd] [--seed N] [--runs N]</c> prints
/// flip attempts per second and the mean objective over reads; <c>quality FILE --solver sa|pt --time S</c> prints
/// the best objective found within a time limit.
/// </summary>
internal static class SamplerRuns
{
    public static int Measure(string[] args)
    {
        var file = args[1];
        var sweeps = Int(args, "--sweeps", 1000);
        var reads = Int(args, "--reads", 100);
        var threads = Int(args, "--threads", 1);
        var seed = (ulong)Int(args, "--seed", 1);
        var runs = Int(args, "--runs", 3);
        var kernel = Enum.Parse<AnnealingKernel>(Text(args, "--kernel", "auto"), ignoreCase: true);
        var problem = QuboFiles.Read(file);
        if (args[0] == "quality")
        {
            var seconds = double.Parse(Text(args, "--time", "5"), CultureInfo.InvariantCulture);
            var solver = Text(args, "--solver", "sa");
            ISampler sampler = solver == "pt" ? new ParallelTemperingSampler(ParallelTemperingSampler.DefaultReplicas, kernel) : new SimulatedAnnealingSampler(kernel);
            var options = new SamplerOptions
            {
                Seed = seed,
                Threads = threads,
                Sweeps = args.Contains("--sweeps") ? sweeps : null,
                TimeLimit = TimeSpan.FromSeconds(seconds),
            };
            var set = sampler.Sample(problem.Model, options);
            if (set.Info.TryGetValue("swapRates", out var rates))
            {
                Console.WriteLine("  swap rates (read 0): " + string.Join(" ", ((double[])rates).Select(r => r.ToString("F2", CultureInfo.InvariantCulture))));
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{problem.Name} {solver} best {problem.ObjectiveOf(set.Best.Energy)} mean {problem.ObjectiveOf(set.MeanEnergy):F1} reads {set.TotalReads} timeToBest {set.Timing.TimeToBest.TotalSeconds:F2}s total {set.Timing.Total.TotalSeconds:F2}s kernel {set.Info["kernel"]}"));
            return 0;
        }

        var sa = new SimulatedAnnealingSampler(kernel);
        for (var r = 0; r < runs; r++)
        {
            var set = sa.Sample(problem.Model, new SamplerOptions { Seed = seed + (ulong)r, Reads = reads, Sweeps = sweeps, Threads = threads });
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{problem.Name} kernel {set.Info["kernel"]} threads {threads} flips/s {set.Timing.FlipsPerSecond:E3} time {set.Timing.Total.TotalSeconds:F3}s mean {problem.ObjectiveOf(set.MeanEnergy):F1} best {problem.ObjectiveOf(set.Best.Energy)}"));
        }

        return 0;
    }

    private static int Int(string[] args, string name, int fallback) =>
        int.Parse(Text(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    private static string Text(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
