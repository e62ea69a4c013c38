using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Annealing;
using QuantumPlanner.Solvers.Auto;
using QuantumPlanner.Solvers.Descent;
using QuantumPlanner.Solvers.Exact;
using QuantumPlanner.Solvers.Tabu;

namespace QuantumPlanner.Solvers;

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
