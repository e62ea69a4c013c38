namespace QuantumPlanner.Storage.Caching;

/// <summary>
/// In-process LRU cache with a TTL per entry, bounded by entry count and by total characters so an idle
/// service stays small. Thread-safe; a single lock is fine because every operation is O(1).
/// </summary>
public sealed class MemoryResultCache : IResultCache
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly TimeProvider _time;
    private long _characters;
    private long _hits;
    private long _misses;

    public MemoryResultCache(int maxEntries = 10_000, long maxCharacters = 32L * 1024 * 1024, TimeProvider? timeProvider = null)
    {
        if (maxEntries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEntries), maxEntries, "The cache needs room for at least one entry. Maybe 10000.");
        }

        if (maxCharacters < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCharacters), maxCharacters, "The cache needs room for at least one character. Maybe 33554432 (32 Mi).");
        }

        MaxEntries = maxEntries;
        MaxCharacters = maxCharacters;
        _time = timeProvider ?? TimeProvider.System;
    }

    public string Kind => "memory";

    public int MaxEntries { get; }

    public long MaxCharacters { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public CacheStatistics Statistics => new(Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), 0);

    public Task<string?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                if (node.Value.ExpiresAt > now)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    Interlocked.Increment(ref _hits);
                    return Task.FromResult<string?>(node.Value.Json);
                }

                RemoveNode(node);
            }
        }

        Interlocked.Increment(ref _misses);
        return Task.FromResult<string?>(null);
    }

    public Task SetAsync(string key, string json, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(json);
        if (ttl <= TimeSpan.Zero || json.Length > MaxCharacters)
        {
            return Task.CompletedTask;
        }

        var entry = new Entry(key, json, _time.GetUtcNow() + ttl);
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                RemoveNode(existing);
            }

            var node = _recency.AddFirst(entry);
            _entries[key] = node;
            _characters += json.Length;
            while (_entries.Count > MaxEntries || _characters > MaxCharacters)
            {
                RemoveNode(_recency.Last!);
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    /// <summary>Forgets every entry (after a purge or an erasure: a cached result may belong to a job that is gone).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recency.Clear();
            _characters = 0;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void RemoveNode(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Key);
        _characters -= node.Value.Json.Length;
    }

    private sealed record Entry(string Key, string Json, DateTimeOffset ExpiresAt);
}
