namespace QuantumPlanner.Storage;

/// <summary>
/// The backend and QUBO sampler a request asked for, in the one text field that holds them (a job's
/// <c>backend_requested</c>, the result cache key): the backend alone when the sampler is the default,
/// "BACKEND/SAMPLER" otherwise (e.g. "anneal/qpu:Advantage_system6.4"), read like backendsTried's "backend/strategy".
/// Backend names never hold a '/', so the first one splits.
/// </summary>
public static class RequestedBackend
{
    /// <summary>The stored form; <paramref name="sampler"/> null means the default sampler.</summary>
    public static string Join(string backend, string? sampler)
    {
        ArgumentNullException.ThrowIfNull(backend);
        return sampler is null ? backend : $"{backend}/{sampler}";
    }

    /// <summary>The backend and the sampler (null: the default) of a stored value.</summary>
    public static (string Backend, string? Sampler) Split(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var slash = stored.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (stored, null) : (stored[..slash], stored[(slash + 1)..]);
    }
}
