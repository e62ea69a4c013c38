using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using QuantumPlanner.Storage.Caching;
using Xunit.Abstractions;

namespace QuantumPlanner.Service.Tests.Faults;

/// <summary>
/// Issue 11's cache fault: a real qplan serve using a redis-server of the test's own for the result cache and the shared
/// rate-limit windows, under submissions and reads; Redis is SIGKILLed mid-run and started again (empty, as after a
/// crash without persistence).
/// Raw HttpClient on purpose: the load counts each status the wire carries during the fault, which a client's retries
/// would absorb.
/// </summary>
public sealed class RedisKillTests(ITestOutputHelper output)
{
    private const double SubmitsPerSecond = 20;
    private const double ReadsPerSecond = 20;
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(8);

    [RedisFact]
    public async Task RedisKilledUnderLoad_NoRequestFailsCacheDegradesAndIsUsedAgainAfterRestart()
    {
        await using var redis = await OwnRedis.StartAsync();
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-service-tests", Guid.NewGuid().ToString("N"));
        var (created, keyJson) = await QplanProcess.RunAsync(["keys", "create", "--tenant", "acme", "--json", "--data-dir", dataDir], TimeSpan.FromSeconds(60));
        Assert.True(created == 0, keyJson);
        var key = JsonNode.Parse(keyJson[keyJson.IndexOf('{', StringComparison.Ordinal)..])!["key"]!.GetValue<string>();
        var url = $"http://127.0.0.1:{TestServices.FreePort()}";
        using var serve = new QplanProcess(
            ["serve", "--data-dir", dataDir, "--redis", redis.Endpoint, "--urls", url, "--workers", "4"],
            new Dictionary<string, string>
            {
                // Every request is still charged to the shared window; the limit is only lifted so the load is never refused.
                ["QuantumPlanner__RateLimitPermits"] = "100000000",
                ["QuantumPlanner__BootstrapAdminKey"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
            });
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        await ProcessTests.WaitReadyAsync(client, serve);
        Assert.Equal("Healthy", await CacheStatusAsync(client));

        var clock = Stopwatch.StartNew();
        var load = new OpenLoad(client, clock);
        // 30 distinct jobs over and over: after the first round most submissions are answered from the result cache.
        var running = load.RunAsync(SubmitsPerSecond, ReadsPerSecond, Before + Down + After, i => Api.Job(Api.Problem(10), "greedy", timeLimit: 1, seed: 1 + (i % 30)));
        using var stopProbes = new CancellationTokenSource();
        var probes = ProbeCacheAsync(client, clock, stopProbes.Token);

        await Task.Delay(Before);
        var beforeKill = await redis.ScanAsync(CacheKey.Prefix + "*");
        await redis.KillAsync();
        var killed = clock.Elapsed.TotalSeconds;
        await Task.Delay(Down);
        await redis.StartAgainAsync();
        var restarted = clock.Elapsed.TotalSeconds;
        await running;
        var fallbacks = await MetricAsync(client, "quantum_planner_rate_limit_fallback_total");

        // The restarted Redis is empty: keys in it now were written by the service after the restart.
        var end = DateTime.UtcNow.AddSeconds(20);
        IReadOnlyList<string> results, windows;
        while (((results = await redis.ScanAsync(CacheKey.Prefix + "*")).Count == 0 || (windows = await redis.ScanAsync("qp:rate:*")).Count == 0) && DateTime.UtcNow < end)
        {
            using var again = await client.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(10), "greedy", timeLimit: 1, seed: 1000)));
            await Task.Delay(200);
        }

        windows = await redis.ScanAsync("qp:rate:*");
        await stopProbes.CancelAsync();
        var health = await probes;
        var healthyAgainAt = health.Where(p => p.At > restarted && p.Cache == "Healthy").Select(p => p.At).DefaultIfEmpty(double.NaN).Min();
        var outcomes = load.Outcomes.ToList();
        var failed = outcomes.Where(o => o.Status is < 200 or >= 300).ToList();
        FaultReport.Write(output, new JsonObject
        {
            ["test"] = "redis-kill",
            ["load"] = $"{SubmitsPerSecond} submissions/s (30 distinct jobs, repeats from the cache) + {ReadsPerSecond} reads/s for {(Before + Down + After).TotalSeconds} s, qplan serve --workers 4 with --redis",
            ["fault"] = $"redis-server SIGKILLed at {killed:F1} s, started again (empty) at {restarted:F1} s",
            ["submissions"] = FaultReport.ByStatus(outcomes.Where(o => o.Kind == "submit")),
            ["reads"] = FaultReport.ByStatus(outcomes.Where(o => o.Kind == "read")),
            ["failedRequests"] = failed.Count,
            ["cacheStatuses"] = string.Join(",", health.GroupBy(p => p.Cache).Select(g => $"{g.Key}x{g.Count()}")),
            ["rateLimitFallbacks"] = fallbacks,
            ["recoverySecondsToCacheHealthy"] = Math.Round(healthyAgainAt - restarted, 2),
            ["resultKeysBeforeKill"] = beforeKill.Count,
            ["resultKeysAfterRestart"] = results.Count,
            ["rateWindowsAfterRestart"] = windows.Count,
        });

        Assert.True(failed.Count == 0, "failed requests: " + string.Join(" | ", failed.Take(5)));
        Assert.NotEmpty(beforeKill);
        Assert.Contains(health, p => p.At > killed && p.At < restarted && p.Cache == "Degraded");
        Assert.True(fallbacks > 0, "no request was judged by the local rate-limit window while Redis was down");
        Assert.False(double.IsNaN(healthyAgainAt), "the cache check never turned Healthy after Redis came back");
        Assert.NotEmpty(results);
        Assert.NotEmpty(windows);
        Assert.Equal("Healthy", await CacheStatusAsync(client));
    }

    private static async Task<List<CacheProbe>> ProbeCacheAsync(HttpClient client, Stopwatch clock, CancellationToken stop)
    {
        var probes = new List<CacheProbe>();
        while (!stop.IsCancellationRequested)
        {
            var at = clock.Elapsed.TotalSeconds;
            probes.Add(new CacheProbe(at, await CacheStatusAsync(client)));
            try
            {
                await Task.Delay(250, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return probes;
    }

    private static async Task<string> CacheStatusAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync("/health");
            var report = await response.ReadObjectAsync();
            return report["checks"]?["cache"]?["status"]?.GetValue<string>() ?? "absent";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return "unanswered";
        }
    }

    private static async Task<double> MetricAsync(HttpClient client, string name)
    {
        var text = await client.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private sealed record CacheProbe(double At, string Cache);
}
