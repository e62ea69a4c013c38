using BenchmarkDotNet.Running;
using QuantumPlanner.Benchmarks;

// "flips FILE ...", "quality FILE ...", "moves ..." and "embed ..." are quick console measurements; anything else goes to BenchmarkDotNet.
return args.Length > 0 && args[0] is "flips" or "quality" ? SamplerRuns.Measure(args)
    : args.Length > 0 && args[0] == "moves" ? MoveRuns.Measure(args)
    : args.Length > 0 && args[0] == "embed" ? EmbedRuns.Measure(args)
    : RunBenchmarks(args);

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(SweepBenchmarks).Assembly).Run(args);
    return 0;
}
