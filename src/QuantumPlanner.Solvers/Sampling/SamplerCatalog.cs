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

    /// <summary>The name forms of remote annealers (made by QuantumPlanner.Remote), for messages.</summary>
    public static IReadOnlyList<string> RemoteForms { get; } = ["qpu:NAME", "hybrid:NAME"];

    /// <summary>
    /// Null when <paramref name="name"/> is a local sampler or <paramref name="isOther"/> accepts it (a remote annealer
    /// the caller can reach); otherwise the fix to suggest: the nearest name, or every known one.
    /// </summary>
    public static string? Refuse(string name, Func<string, bool>? isOther = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Names.Contains(name, StringComparer.Ordinal) || isOther?.Invoke(name) == true)
        {
            return null;
        }

        var nearest = Core.Text.NearestName.Find(name, Names);
        return nearest is null ? $"Maybe one of: {string.Join(", ", Names.Concat(RemoteForms))}." : $"Maybe you meant '{nearest}'.";
    }
}
