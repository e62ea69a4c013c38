using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling.Annealing;
using QuantumPlanner.Solvers.Sampling.Auto;
using QuantumPlanner.Solvers.Sampling.Descent;
using QuantumPlanner.Solvers.Sampling.Exact;
using QuantumPlanner.Solvers.Sampling.Tabu;

namespace QuantumPlanner.Solvers.Sampling;

/// <summary>Every sampler by its command-line name.</summary>
public static class SamplerCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["sa", "pt", "tabu", "exact", "steepest", "auto"];

    public static ISampler Create(string name) => name switch
    {
        "sa" => new SimulatedAnnealingSampler(),
        "pt" => new ParallelTemperingSampler(),
        "tabu" => new TabuSampler(),
        "exact" => new ExactSampler(),
        "steepest" => new SteepestDescentSampler(),
        "auto" => new AutoSampler(),
        _ => throw new ArgumentException($"Unknown sampler '{name}'. Choose one of: {string.Join(", ", Names)}."),
    };
}
