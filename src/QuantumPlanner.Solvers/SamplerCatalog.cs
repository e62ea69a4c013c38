using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Tabu;

namespace QuantumPlanner.Solvers;

/// <summary>Every sampler by its command-line name.</summary>
public static class SamplerCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["tabu"];

    public static ISampler Create(string name) => name switch
    {
        "tabu" => new TabuSampler(),
        _ => throw new ArgumentException($"Unknown sampler '{name}'. Choose one of: {string.Join(", ", Names)}."),
    };
}
