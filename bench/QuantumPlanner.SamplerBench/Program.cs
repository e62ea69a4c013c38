using System.Globalization;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling;

// Stop-gap harness until `qplan bench` exists: runs one sampler on instances of a benchmark folder laid out like
// ../shared/benchmarks/<family> (best_known.csv beside the instance files) and prints found value, gap and time to best.
// Usage: SamplerBench DIR SECONDS [INSTANCE,INSTANCE,...] [--solver tabu] [--threads 1] [--seed 1] [--sweeps N]
// With --sweeps the run is deterministic (the time limit only caps it), which is how settings were compared on a busy machine.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: SamplerBench DIR SECONDS [INSTANCES] [--solver NAME] [--threads N] [--seed N] [--sweeps N]");
    return 2;
}

var dir = args[0];
var seconds = double.Parse(args[1], CultureInfo.InvariantCulture);
var positional = args.Skip(2).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var solver = Option("--solver", "tabu");
var threads = int.Parse(Option("--threads", "1"), CultureInfo.InvariantCulture);
var seed = ulong.Parse(Option("--seed", "1"), CultureInfo.InvariantCulture);
var sweeps = Option("--sweeps", "") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : (int?)null;
var known = File.ReadAllLines(Path.Combine(dir, "best_known.csv")).Skip(1)
    .Select(l => l.Split(','))
    .ToDictionary(f => f[0], f => double.Parse(f[1], CultureInfo.InvariantCulture));
var names = positional.Count > 0 ? positional[0].Split(',') : [.. known.Keys];
var hits = 0;
var gaps = new List<double>();
foreach (var name in names)
{
    var file = Directory.GetFiles(dir, name + ".txt").FirstOrDefault()
        ?? throw new FileNotFoundException($"No instance file {name}.txt in {dir}.");
    var problem = QuboFiles.Read(file);
    var target = problem.EnergyOf(known[name]);
    var options = new SamplerOptions
    {
        Seed = seed,
        Threads = threads,
        TimeLimit = TimeSpan.FromSeconds(seconds),
        Sweeps = sweeps,
        TargetEnergy = target,
    };
    var result = SamplerCatalog.Create(solver).Sample(problem.Model, options);
    var found = problem.ObjectiveOf(result.Best.Energy);
    var gap = Math.Abs(known[name] - found) / Math.Abs(known[name]) * 100;
    var hit = result.Best.Energy <= target + 1e-9;
    hits += hit ? 1 : 0;
    gaps.Add(gap);
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{name,-10} best {known[name],8} found {found,8} gap {gap,7:F3}% {(hit ? "HIT " : "miss")} ttb {result.Timing.TimeToBest.TotalSeconds,6:F2}s total {result.Timing.Total.TotalSeconds,6:F2}s moves {result.Info["moves"]}"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"summary: {hits}/{names.Length} hit, mean gap {gaps.Average():F4}%"));
return 0;
