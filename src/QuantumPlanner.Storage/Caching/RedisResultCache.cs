using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace QuantumPlanner.Storage.Caching;

/// <summary>
/// Redis-backed result cache. Connects lazily in the background (AbortOnConnectFail=false) with short
/// timeouts; every Redis failure is logged, counted and turned into a miss or a skipped write, so a
/// cache outage costs speed, never a request.
/// </summary>
public sealed class RedisResultCache : IResultCache
{
    private readonly ConfigurationOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private ConnectionMultiplexer? _connection;
    private long _hits;
    private long _misses;
    private long _errors;

    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. "localhost:6379" or "host:6379,password=...".</param>
    /// <param name="logger">Receives one warning per failed cache call.</param>
    /// <param name="operationTimeout">Longest wait for one Redis call (default 500 ms); connecting may take twice that.</param>
    public RedisResultCache(string configuration, ILogger? logger = null, TimeSpan? operationTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        _options = ConfigurationOptions.Parse(configuration);
        _options.AbortOnConnectFail = false;
        var timeout = (int)(operationTimeout ?? TimeSpan.FromMilliseconds(500)).TotalMilliseconds;
        _options.ConnectTimeout = Math.Max(timeout * 2, 1000);
        _options.SyncTimeout = timeout;
        _options.AsyncTimeout = timeout;
        _options.ConnectRetry = 1;
        _logger = logger ?? NullLogger.Instance;
        Endpoint = configuration;
    }

    public string Kind => "redis";

    /// <summary>The configuration given, for health output (passwords are the caller's business).</summary>
    public string Endpoint { get; }

    public CacheStatistics Statistics => new(Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), Interlocked.Read(ref _errors));

    public async Task<string?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var database = await GetDatabaseAsync().ConfigureAwait(false);
            if (database is not null)
            {
                var value = await database.StringGetAsync(key).ConfigureAwait(false);
                if (value.HasValue)
                {
                    Interlocked.Increment(ref _hits);
                    return value.ToString();
                }
            }
        }
        catch (Exception exception) when (IsCacheFailure(exception))
        {
            Failed(exception, "get");
        }

        Interlocked.Increment(ref _misses);
        return null;
    }

    public async Task SetAsync(string key, string json, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(json);
        if (ttl <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            var database = await GetDatabaseAsync().ConfigureAwait(false);
            if (database is not null)
            {
                await database.StringSetAsync(key, json, ttl).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (IsCacheFailure(exception))
        {
            Failed(exception, "set");
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var database = await GetDatabaseAsync().ConfigureAwait(false);
            if (database is null)
            {
                return false;
            }

            await database.PingAsync().ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (IsCacheFailure(exception))
        {
            Failed(exception, "ping");
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        var connection = Interlocked.Exchange(ref _connection, null);
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _connectGate.Dispose();
    }

    // Redis errors surface as RedisException subclasses, TimeoutException, or socket/IO errors from the first connect.
    private static bool IsCacheFailure(Exception exception) =>
        exception is RedisException or TimeoutException or System.Net.Sockets.SocketException or IOException or ObjectDisposedException;

    private async Task<IDatabase?> GetDatabaseAsync()
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is null)
        {
            await _connectGate.WaitAsync().ConfigureAwait(false);
            try
            {
                connection = _connection;
                if (connection is null)
                {
                    // With AbortOnConnectFail=false this returns after ConnectTimeout even when Redis is down and
                    // keeps reconnecting in the background; later calls fail fast until it is back.
                    connection = await ConnectionMultiplexer.ConnectAsync(_options).ConfigureAwait(false);
                    _connection = connection;
                }
            }
            finally
            {
                _connectGate.Release();
            }
        }

        return connection.GetDatabase();
    }

    private void Failed(Exception exception, string operation)
    {
        Interlocked.Increment(ref _errors);
        StorageLog.CacheFailed(_logger, operation, exception.GetType().Name, exception.Message);
    }
}
