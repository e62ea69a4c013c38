using System.Collections.Concurrent;
using QuantumPlanner.Service.Observability;
using StackExchange.Redis;

namespace QuantumPlanner.Service.Security;

/// <summary>The outcome of charging a request's cost to its client's window.</summary>
internal readonly record struct RateDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>Fixed windows of cost units per client, aligned to multiples of the window length since the Unix epoch.</summary>
internal interface IRateWindows
{
    ValueTask<RateDecision> TakeAsync(string client, int cost, int limit, TimeSpan window);
}

/// <summary>This process's windows: what one replica alone, or every replica while Redis is unreachable, counts.</summary>
internal sealed class LocalRateWindows(TimeProvider clock) : IRateWindows
{
    private readonly ConcurrentDictionary<string, Counter> counters = new(StringComparer.Ordinal);

    public ValueTask<RateDecision> TakeAsync(string client, int cost, int limit, TimeSpan window)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var length = (long)window.TotalMilliseconds;
        var index = now / length;
        var retry = TimeSpan.FromMilliseconds(((index + 1) * length) - now);
        var counter = counters.GetOrAdd(client, static _ => new Counter());
        lock (counter)
        {
            if (counter.Window != index)
            {
                counter.Window = index;
                counter.Used = 0;
            }

            if (counter.Used + cost > limit)
            {
                return ValueTask.FromResult(new RateDecision(false, retry));
            }

            counter.Used += cost;
        }

        if (counters.Count > 100_000)
        {
            // Clients from past windows hold nothing; drop them so many one-off addresses cannot grow the map.
            foreach (var (key, old) in counters)
            {
                if (old.Window < index)
                {
                    counters.TryRemove(key, out _);
                }
            }
        }

        return ValueTask.FromResult(new RateDecision(true, retry));
    }

    private sealed class Counter
    {
        public long Window { get; set; } = -1;

        public int Used { get; set; }
    }
}

/// <summary>
/// Windows shared by every replica through Redis: one key per client and window (qp:rate:CLIENT:INDEX), charged
/// atomically by a Lua script that adds the cost, gives the key its expiry on first use, and takes the cost back
/// when it would pass the limit (a refused request costs nothing). When Redis cannot answer (down, timeout, not yet
/// connected), the request is judged by this replica's <see cref="LocalRateWindows"/>: clients keep being served
/// and limited per replica, each fallback is counted in quantum_planner_rate_limit_fallback_total and logged at most
/// every 30 s. Replicas' clocks only choose the window index, so skew of a few milliseconds moves a window boundary
/// by as much, no more.
/// </summary>
internal sealed class RedisRateWindows : IRateWindows, IDisposable
{
    private const string Script = """
        local used = redis.call('INCRBY', KEYS[1], ARGV[1])
        if used == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        if used > tonumber(ARGV[2]) then
          redis.call('DECRBY', KEYS[1], ARGV[1])
          return 0
        end
        return 1
        """;

    private readonly ConfigurationOptions options;
    private readonly LocalRateWindows local;
    private readonly TimeProvider clock;
    private readonly ServiceMetrics metrics;
    private readonly ILogger logger;
    private readonly SemaphoreSlim connectGate = new(1, 1);
    private ConnectionMultiplexer? connection;
    private long lastLogged = long.MinValue;

    public RedisRateWindows(string configuration, TimeProvider clock, ServiceMetrics metrics, ILogger logger)
    {
        options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 1000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 250);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 250);
        this.clock = clock;
        this.metrics = metrics;
        this.logger = logger;
        local = new LocalRateWindows(clock);
    }

    public async ValueTask<RateDecision> TakeAsync(string client, int cost, int limit, TimeSpan window)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var length = (long)window.TotalMilliseconds;
        var index = now / length;
        try
        {
            var db = await DatabaseAsync().ConfigureAwait(false);
            if (db is null)
            {
                return await FallBackAsync("not connected", client, cost, limit, window).ConfigureAwait(false);
            }

            var allowed = (long)await db.ScriptEvaluateAsync(Script, [(RedisKey)$"qp:rate:{client}:{index}"], [cost, limit, length]).ConfigureAwait(false);
            return new RateDecision(allowed == 1, TimeSpan.FromMilliseconds(((index + 1) * length) - now));
        }
        catch (Exception e) when (e is RedisException or TimeoutException or System.Net.Sockets.SocketException or IOException)
        {
            return await FallBackAsync(e.GetType().Name, client, cost, limit, window).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        connection?.Dispose();
        connectGate.Dispose();
    }

    private ValueTask<RateDecision> FallBackAsync(string reason, string client, int cost, int limit, TimeSpan window)
    {
        metrics.RateLimitFallback.Inc();
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref lastLogged);
        if (now - last > 30_000 && Interlocked.CompareExchange(ref lastLogged, now, last) == last)
        {
            Log.RateLimitFallback(logger, reason);
        }

        return local.TakeAsync(client, cost, limit, window);
    }

    private async Task<IDatabase?> DatabaseAsync()
    {
        var current = Volatile.Read(ref connection);
        if (current is null)
        {
            await connectGate.WaitAsync().ConfigureAwait(false);
            try
            {
                // With AbortOnConnectFail=false this returns after ConnectTimeout even when Redis is down and keeps
                // reconnecting in the background.
                current = connection ??= await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            }
            finally
            {
                connectGate.Release();
            }
        }

        // While it reconnects, judge locally at once rather than wait for a timeout on every request.
        return current.IsConnected ? current.GetDatabase() : null;
    }
}
