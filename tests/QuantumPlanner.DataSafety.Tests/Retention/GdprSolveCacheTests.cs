using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Service;
using QuantumPlanner.Service.Workers;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Caching;
using StackExchange.Redis;

namespace QuantumPlanner.DataSafety.Tests.Retention;

/// <summary>
/// The synchronous POST /api/v1/solve caches plans without a job row; <c>qplan ops gdpr erase</c> must still evict
/// them, from real Redis and from a running service's in-process cache.
/// </summary>
public sealed class GdprSolveCacheTests : AbstractStoreTests
{
    // Its own Redis database, so erasing tenant "default" never touches what other test projects cache in database 0.
    private const int RedisDatabase = 11;

    private const string SolveBody =
        """{"problem":{"name":"gdpr-cache","agents":[{"id":"a1","skills":["x"]}],"tasks":[{"id":"t0","requiredSkills":["x"],"duration":2},{"id":"t1","requiredSkills":["x"],"duration":3}]},"backend":"greedy","timeLimitSeconds":2,"seed":7}""";

    [Fact]
    public async Task Erase_EvictsTheTenantsSyncSolveResultsFromRedis_AndNoOtherTenants()
    {
        var redisEndpoint = (Environment.GetEnvironmentVariable("QP_TEST_REDIS") ?? throw new InvalidOperationException("QP_TEST_REDIS is not set. Maybe source tests/services/redis.sh."))
            + $",defaultDatabase={RedisDatabase}";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisEndpoint);
        var database = redis.GetDatabase();
        var server = redis.GetServers().Single();
        var pattern = CacheKey.TenantPattern("default");
        await database.KeyDeleteAsync([.. server.Keys(RedisDatabase, pattern)]);
        var otherTenant = CacheKey.ForProblemHash("someone-else", "ff", "greedy", 2, 7);
        await database.StringSetAsync(otherTenant, "{}", TimeSpan.FromMinutes(5));
        var directory = Stores.NewDirectory();

        await using (var service = await StartServiceAsync(directory, redisEndpoint))
        {
            var cache = service.Services.GetRequiredService<IResultCache>();
            Assert.Equal("redis", cache.Kind);
            // The service connects to Redis in the background; a write before that would be skipped, not cached.
            for (var attempt = 0; attempt < 100 && !await cache.PingAsync(); attempt++)
            {
                await Task.Delay(100);
            }

            using var client = new HttpClient { BaseAddress = new Uri(service.Url) };
            using var solved = await client.PostAsync("/api/v1/solve", new StringContent(SolveBody, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, solved.StatusCode);
        }

        var cached = server.Keys(RedisDatabase, pattern).ToList();
        Assert.NotEmpty(cached);

        var erase = await Qplan.RunAsync(["ops", "gdpr", "erase", "--tenant", "default", "--confirm", "--redis", redisEndpoint, "--data-dir", directory, "--json"]);

        Assert.True(erase.ExitCode == 0, erase.Stderr);
        Assert.Equal(cached.Count, JsonNode.Parse(erase.Stdout)!["cacheKeysEvicted"]!.GetValue<long>());
        Assert.Empty(server.Keys(RedisDatabase, pattern));
        Assert.All(cached, key => Assert.False(database.KeyExists(key)));
        Assert.True(await database.KeyExistsAsync(otherTenant));
        await database.KeyDeleteAsync(otherTenant);
    }

    [Fact]
    public async Task Erase_ClearsTheSyncSolveResultsARunningServiceKeepsInMemory()
    {
        var directory = Stores.NewDirectory();
        await using var service = await StartServiceAsync(directory, redis: null);
        var cache = Assert.IsType<MemoryResultCache>(service.Services.GetRequiredService<IResultCache>());
        using var client = new HttpClient { BaseAddress = new Uri(service.Url) };
        using (var solved = await client.PostAsync("/api/v1/solve", new StringContent(SolveBody, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, solved.StatusCode);
        }

        Assert.Equal(1, cache.Count);
        var watcher = service.Services.GetServices<IHostedService>().OfType<PurgeWatcher>().Single();
        await watcher.CheckAsync(default);

        var erase = await Qplan.RunAsync(["ops", "gdpr", "erase", "--tenant", "default", "--confirm", "--data-dir", directory]);
        Assert.True(erase.ExitCode == 0, erase.Stderr);
        // The watcher's next read (every few seconds in the service; here at once) sees the erasure's purge generation.
        await watcher.CheckAsync(default);

        Assert.Equal(0, cache.Count);
    }

    /// <summary>The real service (Kestrel on a free loopback port), SQLite in <paramref name="directory"/>, no workers.</summary>
    private static async Task<RunningApp> StartServiceAsync(string directory, string? redis)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();
        var app = ServiceApp.Build(
        [
            "--urls", url,
            "--QuantumPlanner:DataDir=" + directory,
            "--QuantumPlanner:Db=",
            "--QuantumPlanner:Redis=" + (redis ?? string.Empty),
            "--QuantumPlanner:NoAuth=true",
            "--QuantumPlanner:BootstrapAdminKey=false",
            "--QuantumPlanner:Workers=0",
        ]);
        await app.StartAsync();
        return new RunningApp(app, url);
    }

    private sealed class RunningApp(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public IServiceProvider Services => app.Services;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
