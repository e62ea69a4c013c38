namespace QuantumPlanner.Storage;

/// <summary>
/// Which backends go through a QUBO sampler (DESIGN.md §6). A job that asked for one and was answered by any other
/// backend is a classical fallback: the service counts it (<c>classical_fallback_total</c>) and the ops reports rate it.
/// "exact" is not among them: the planning "exact" backend enumerates the native model.
/// </summary>
public static class BackendFamilies
{
    private static readonly HashSet<string> QuantumBackends = new(StringComparer.OrdinalIgnoreCase) { "anneal", "pt", "tabu" };

    /// <summary>True for a QUBO backend, also as a job stores it with its sampler ("anneal/qpu:NAME", <see cref="RequestedBackend"/>).</summary>
    public static bool IsQuantum(string backend) => QuantumBackends.Contains(RequestedBackend.Split(backend).Backend);

    public static bool IsClassicalFallback(string requested, string? used) =>
        used is not null && IsQuantum(requested) && !IsQuantum(used);
}
