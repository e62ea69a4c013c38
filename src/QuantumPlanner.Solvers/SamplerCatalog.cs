using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Annealing;

namespace QuantumPlanner.Solvers;

/// <summary>Every sampler by its command-line name.</summary>
public static class SamplerCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["sa", "pt"];

    public static ISampler Create(string name) => name switch
    {
        "sa" => new SimulatedAnnealingSampler(),
        "pt" => new ParallelTemperingSampler(),
        _ => throw new ArgumentException($"Unknown sampler '{name}'. Choose one of: {string.Join(", ", Names)}."),
    };
}
