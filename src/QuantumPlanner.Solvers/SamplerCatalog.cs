using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Auto;
using QuantumPlanner.Solvers.Descent;
using QuantumPlanner.Solvers.Exact;
using QuantumPlanner.Solvers.Tabu;

namespace QuantumPlanner.Solvers;

/// <summary>Every sampler by its command-line name.</summary>
public static class SamplerCatalog
{
    public static IReadOnlyList<string> Names { get; } = ["tabu", "exact", "steepest", "auto"];

    public static ISampler Create(string name) => name switch
    {
        "tabu" => new TabuSampler(),
        "exact" => new ExactSampler(),
        "steepest" => new SteepestDescentSampler(),
        "auto" => new AutoSampler(),
        _ => throw new ArgumentException($"Unknown sampler '{name}'. Choose one of: {string.Join(", ", Names)}."),
    };
}
