using QuantumPlanner.Storage.Caching;

namespace QuantumPlanner.Storage;

/// <summary>
/// A result cache keyed by <see cref="CacheKey.For"/>. Implementations never throw for an unavailable
/// backing store: an outage is a miss (reads) or a no-op (writes), counted in <see cref="Statistics"/>.
/// </summary>
public interface IResultCache : IAsyncDisposable
{
    /// <summary>Default time to live of an entry: one hour.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromSeconds(3600);

    /// <summary>"redis" or "memory".</summary>
    string Kind { get; }

    Task<string?> TryGetAsync(string key, CancellationToken cancellationToken = default);

    Task SetAsync(string key, string json, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>True when the backing store answers (always true in memory); never throws.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);

    CacheStatistics Statistics { get; }
}

/// <summary>Counters since start: hits, misses, and errors (each error also counted as a miss for reads).</summary>
public readonly record struct CacheStatistics(long Hits, long Misses, long Errors);
