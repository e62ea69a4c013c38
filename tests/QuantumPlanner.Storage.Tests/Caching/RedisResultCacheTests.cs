using System.Net;
using System.Net.Sockets;
using QuantumPlanner.Storage.Caching;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Caching;

[RequiresService(TestServices.Redis)]
public sealed class RedisResultCacheTests
{
    [ServiceFact]
    public async Task SetThenTryGet_RealRedis_RoundTripsAndMissesUnknownKeys()
    {
        await using var cache = new RedisResultCache(TestServices.Require(TestServices.Redis));
        var key = CacheKey.For("acme", """{"run":"%ID%"}""".Replace("%ID%", Guid.NewGuid().ToString("N"), StringComparison.Ordinal), "auto", 10, 1);

        Assert.Null(await cache.TryGetAsync(key));
        await cache.SetAsync(key, """{"makespan":5}""", TimeSpan.FromMinutes(5));
        var hit = await cache.TryGetAsync(key);

        Assert.Equal("""{"makespan":5}""", hit);
        Assert.Equal(new CacheStatistics(1, 1, 0), cache.Statistics);
        Assert.True(await cache.PingAsync());
    }

    [ServiceFact]
    public async Task Set_ShortTtl_RedisExpiresTheEntry()
    {
        await using var cache = new RedisResultCache(TestServices.Require(TestServices.Redis));
        var key = "qp:test:" + Guid.NewGuid().ToString("N");
        await cache.SetAsync(key, "{}", TimeSpan.FromMilliseconds(50));

        // Redis expires on its own clock; poll instead of sleeping a guessed amount.
        string? value = "{}";
        for (var i = 0; i < 100 && value is not null; i++)
        {
            await Task.Delay(20);
            value = await cache.TryGetAsync(key);
        }

        Assert.Null(value);
    }
}

/// <summary>Redis outages: no server needed, only a port where nothing listens.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task Calls_RedisOnAClosedPort_MissAndCountErrorsWithoutThrowing()
    {
        await using var cache = new RedisResultCache($"127.0.0.1:{ClosedPort()}", operationTimeout: TimeSpan.FromMilliseconds(200));

        var value = await cache.TryGetAsync("qp:result:v1:missing");
        await cache.SetAsync("qp:result:v1:missing", "{}", IResultCache.DefaultTtl);
        var second = await cache.TryGetAsync("qp:result:v1:missing");
        var alive = await cache.PingAsync();

        Assert.Null(value);
        Assert.Null(second);
        Assert.False(alive);
        Assert.Equal(0, cache.Statistics.Hits);
        Assert.Equal(2, cache.Statistics.Misses);
        Assert.True(cache.Statistics.Errors >= 3, $"errors counted: {cache.Statistics.Errors}");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
