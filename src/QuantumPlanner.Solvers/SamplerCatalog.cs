using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers;

/// <summary>Every sampler by its command-line name.</summary>
public static class SamplerCatalog
{
    public static IReadOnlyList<string> Names { get; } = [];

    public static ISampler Create(string name) => name switch
    {
        _ => throw new ArgumentException($"Unknown sampler '{name}'. Choose one of: {string.Join(", ", Names)}."),
    };
}
