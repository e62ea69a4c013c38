using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using QuantumPlanner.Service.Observability;

namespace QuantumPlanner.Service.Tests;

/// <summary>The rate limiter charges by cost and shares its window across replicas through the real Redis.</summary>
public class RateLimitTests
{
    [Fact]
    public async Task RateLimit_SynchronousSolve_CostsAHundredReads()
    {
        // A solve may hold a CPU for SyncMaxTimeLimitSeconds = 10 s: it costs 1 + 10 × 10 = 101 of the 150 units.
        await using var service = new TestService(new Dictionary<string, string?> { ["RateLimitPermits"] = "150", ["RateLimitWindowSeconds"] = "60", ["SyncMaxTimeLimitSeconds"] = "10" });
        using var client = service.Client(await service.CreateKeyAsync("acme"));

        using var first = await PostSolveAsync(client);
        using var second = await PostSolveAsync(client);
        using var read = await client.GetAsync("/api/v1/jobs");

        Assert.NotEqual(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [RedisFact]
    public async Task RateLimit_TwoReplicasOnOneRedis_ShareOneWindowPerKey()
    {
        var settings = new Dictionary<string, string?> { ["RateLimitPermits"] = "10", ["RateLimitWindowSeconds"] = "60", ["Redis"] = TestServices.Redis };
        await using var first = new TestService(settings);
        var key = await first.CreateKeyAsync("acme");
        await using var second = new TestService(new Dictionary<string, string?>(settings) { ["DataDir"] = first.DataDir });
        using var a = first.Client(key);
        using var b = second.Client(key);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var viaFirst = await a.GetAsync("/api/v1/jobs");
            using var viaSecond = await b.GetAsync("/api/v1/jobs");
            statuses.Add(viaFirst.StatusCode);
            statuses.Add(viaSecond.StatusCode);
        }

        // 12 reads of cost 1 against one window of 10: per-replica windows would have let all 12 through.
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(0, first.Services.GetRequiredService<ServiceMetrics>().RateLimitFallback.Value + second.Services.GetRequiredService<ServiceMetrics>().RateLimitFallback.Value);
    }

    [Fact]
    public async Task RateLimit_RedisUnreachable_FallsBackToThisReplicasWindowAndCountsIt()
    {
        // Nothing listens on port 1: the limiter must keep serving and limiting, on its own window.
        await using var service = new TestService(new Dictionary<string, string?> { ["RateLimitPermits"] = "3", ["RateLimitWindowSeconds"] = "60", ["Redis"] = "127.0.0.1:1,connectTimeout=200" });
        using var client = service.Client(await service.CreateKeyAsync("acme"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync("/api/v1/jobs");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(4, service.Services.GetRequiredService<ServiceMetrics>().RateLimitFallback.Value);
    }

    private static async Task<HttpResponseMessage> PostSolveAsync(HttpClient client)
    {
        using var body = new StringContent("{\"problem\":{\"tasks\":[{\"id\":\"t\",\"duration\":1}]},\"timeLimitSeconds\":1}", Encoding.UTF8, "application/json");
        return await client.PostAsync("/api/v1/solve", body);
    }
}
