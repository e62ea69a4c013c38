using BenchmarkDotNet.Running;
using QuantumPlanner.Benchmarks;

// "flips FILE ..." and "quality FILE ..." are quick console measurements; anything else goes to BenchmarkDotNet.
return args.Length > 0 && args[0] is "flips" or "quality"
    ? SamplerRuns.Measure(args)
    : RunBenchmarks(args);

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(SweepBenchmarks).Assembly).Run(args);
    return 0;
}
