using StackExchange.Redis;

namespace QuantumPlanner.Storage.Caching;

/// <summary>
/// Housekeeping of the Redis result cache (qplan ops cleanup / cache flush). The service's keys are those under
/// <see cref="CacheKey.Prefix"/>'s family "qp:result:"; other applications may share the Redis database, so nothing
/// else is touched unless the operator asks for the whole database.
/// </summary>
public sealed class CacheMaintenance : IAsyncDisposable
{
    /// <summary>Every result-format version's keys (the current one is <see cref="CacheKey.Prefix"/>).</summary>
    public const string ServicePattern = "qp:result:*";

    private readonly ConnectionMultiplexer _connection;

    private CacheMaintenance(ConnectionMultiplexer connection) => _connection = connection;

    /// <summary>Connects (admin mode, for FLUSHDB); throws <see cref="RedisConnectionException"/> when Redis is down.</summary>
    public static async Task<CacheMaintenance> ConnectAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AllowAdmin = true;
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 3000;
        return new CacheMaintenance(await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false));
    }

    /// <summary>
    /// Deletes this service's keys that can never be read again: those of an older result format (any prefix other
    /// than <see cref="CacheKey.Prefix"/>) and any without an expiry (every write sets one, so such a key is a leftover).
    /// Returns how many went (or would go, with <paramref name="dryRun"/>).
    /// </summary>
    public async Task<long> RemoveStaleAsync(bool dryRun)
    {
        var database = _connection.GetDatabase();
        long removed = 0;
        foreach (var key in Keys(ServicePattern))
        {
            var stale = !key.ToString().StartsWith(CacheKey.Prefix, StringComparison.Ordinal)
                || await database.KeyTimeToLiveAsync(key).ConfigureAwait(false) is null;
            if (stale && (dryRun || await database.KeyDeleteAsync(key).ConfigureAwait(false)))
            {
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Deletes this service's keys (SCAN + DEL), or with <paramref name="all"/> the whole database (FLUSHDB).</summary>
    public async Task<long> FlushAsync(bool all)
    {
        var database = _connection.GetDatabase();
        if (all)
        {
            var server = Server();
            var size = await server.DatabaseSizeAsync(database.Database).ConfigureAwait(false);
            await server.FlushDatabaseAsync(database.Database).ConfigureAwait(false);
            return size;
        }

        long removed = 0;
        foreach (var batch in Keys(ServicePattern).Chunk(500))
        {
            removed += await database.KeyDeleteAsync(batch).ConfigureAwait(false);
        }

        return removed;
    }

    /// <summary>
    /// Deletes every cached result of one tenant (SCAN for its <see cref="CacheKey.TenantPattern"/> + DEL): those of
    /// its jobs and those the synchronous solve cached. Returns how many went.
    /// </summary>
    public async Task<long> EvictTenantAsync(string tenantId)
    {
        var database = _connection.GetDatabase();
        long removed = 0;
        foreach (var batch in Keys(CacheKey.TenantPattern(tenantId)).Chunk(500))
        {
            removed += await database.KeyDeleteAsync(batch).ConfigureAwait(false);
        }

        return removed;
    }

    /// <summary>Keys of this service now (SCAN, so a large database is not blocked).</summary>
    public long CountServiceKeys() => Keys(ServicePattern).LongCount();

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync().ConfigureAwait(false);

    private IEnumerable<RedisKey> Keys(string pattern) => Server().Keys(_connection.GetDatabase().Database, pattern, pageSize: 500);

    private IServer Server() => _connection.GetServers().FirstOrDefault(s => s.IsConnected && !s.IsReplica)
        ?? throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connected primary Redis server. Maybe check the --redis endpoint.");
}
