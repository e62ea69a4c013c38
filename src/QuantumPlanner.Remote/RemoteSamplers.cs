using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sampling;
using QuantumPlanner.Remote.Sapi;
using QuantumPlanner.Solvers.Sampling;

namespace QuantumPlanner.Remote;

/// <summary>
/// The samplers "qpu:NAME" and "hybrid:NAME" by name, each behind a fallback to a local sampler ("tabu" unless
/// another is named), and every other name through <see cref="SamplerCatalog"/>.
/// </summary>
public static class RemoteSamplers
{
    public static bool IsRemote(string name) =>
        name.StartsWith("qpu:", StringComparison.Ordinal) || name.StartsWith("hybrid:", StringComparison.Ordinal);

    /// <summary>A remote name and a remote service configured in the environment to send it to.</summary>
    public static bool IsConfigured(string name) => IsRemote(name) && QuantumConfiguration.FromEnvironment() is not null;

    /// <summary>
    /// The sampler for <paramref name="name"/>. A remote name needs <paramref name="configuration"/> (from the
    /// environment when null); without one it throws naming the variables to set.
    /// </summary>
    public static ISampler Create(string name, QuantumConfiguration? configuration = null, string localFallback = "tabu", Action<string>? onFallback = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsRemote(name))
        {
            return SamplerCatalog.Create(name);
        }

        configuration ??= QuantumConfiguration.FromEnvironment()
            ?? throw new ArgumentException($"Sampler '{name}' needs a remote service. Maybe set {QuantumConfiguration.EndpointVariable} and {QuantumConfiguration.TokenVariable}.");
        var solver = name[(name.IndexOf(':', StringComparison.Ordinal) + 1)..];
        if (solver.Length == 0)
        {
            throw new ArgumentException($"Sampler '{name}' names no solver. Maybe '{name}Advantage_system6.4'; 'qplan backends' lists them.");
        }

        var client = new SapiClient(configuration);
        ISampler remote = name.StartsWith("qpu:", StringComparison.Ordinal) ? new QpuSampler(client, solver) : new HybridSampler(client, solver);
        return new FallbackSampler(remote, SamplerCatalog.Create(localFallback), onFallback);
    }
}
