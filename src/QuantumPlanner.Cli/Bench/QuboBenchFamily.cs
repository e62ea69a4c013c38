using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling;

namespace QuantumPlanner.Cli.Bench;

/// <summary>bqp and gset: read the model, sample until the time limit or the best-known value.</summary>
internal sealed class QuboBenchFamily(string name, QuboFormat format) : IBenchFamily
{
    public string Name => name;

    public BenchRow Run(BenchInstance instance, BenchOptions options, CancellationToken cancellationToken)
    {
        var solverName = options.Solver ?? "auto";
        var problem = QuboFiles.Read(instance.Path, format);
        var sampler = SamplerCatalog.Create(solverName);
        var result = sampler.Sample(
            problem.Model,
            new SamplerOptions
            {
                Seed = options.Seed,
                TimeLimit = options.TimeLimit,
                Threads = options.Threads,
                TargetEnergy = problem.EnergyOf(instance.BestKnown),
            },
            cancellationToken);
        var chosen = result.Info.TryGetValue("chosen", out var c) ? $"{solverName}:{c}" : solverName;
        return BenchRow.Of(
            instance,
            problem.ObjectiveOf(result.Best.Energy),
            result.Timing.Total.TotalSeconds,
            result.Timing.TimeToBest.TotalSeconds,
            chosen);
    }
}
