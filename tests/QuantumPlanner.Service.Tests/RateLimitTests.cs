using System.Net;
using Microsoft.Extensions.DependencyInjection;
using QuantumPlanner.Client;
using QuantumPlanner.Service.Observability;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// The rate limiter charges by cost and shares its window across replicas through the real Redis; QuantumPlanner.Client
/// sees a refusal as <see cref="RateLimitedException"/> with the service's Retry-After, and (with retries on) waits it
/// out and gets its answer.
/// </summary>
public class RateLimitTests
{
    private static readonly QuantumPlannerClientOptions NoRetries = new() { MaxRetries = 0 };

    [Fact]
    public async Task RateLimit_SynchronousSolve_CostsAHundredReads()
    {
        // A solve may hold a CPU for SyncMaxTimeLimitSeconds = 10 s: it costs 1 + 10 × 10 = 101 of the 150 units.
        await using var service = new TestService(new Dictionary<string, string?> { ["RateLimitPermits"] = "150", ["RateLimitWindowSeconds"] = "60", ["SyncMaxTimeLimitSeconds"] = "10" });
        using var client = service.ApiClient(await service.CreateKeyAsync("acme"), new QuantumPlannerClientOptions { MaxRetries = 0 });

        var first = await client.SolveAsync(TinySolve());
        var second = await Assert.ThrowsAsync<RateLimitedException>(() => client.SolveAsync(TinySolve()));
        var read = await client.ListAsync();

        Assert.Single(first.Assignments);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.Status);
        Assert.NotNull(second.RetryAfter);
        Assert.InRange(second.RetryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Empty(read.Items);
    }

    [Fact]
    public async Task RateLimit_ClientWithRetries_WaitsOutTheRetryAfterAndGetsTheAnswer()
    {
        // Two reads fit a window of 2 units and 3 s: the third, sent at once, is refused with a Retry-After of at most
        // 3 s, which the client waits out (MaxRetryDelay 30 s) before sending it again.
        await using var service = new TestService(new Dictionary<string, string?> { ["RateLimitPermits"] = "2", ["RateLimitWindowSeconds"] = "3" });
        var seen = new AnswerRecorder();
        using var client = service.ApiClient(await service.CreateKeyAsync("acme"), new QuantumPlannerClientOptions { MaxRetries = 3 }, seen);
        // Windows are aligned to the clock: start just after a boundary so that the three reads fall in one window.
        await Task.Delay(TimeSpan.FromMilliseconds(3000 - (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 3000) + 50));

        for (var i = 0; i < 3; i++)
        {
            Assert.Empty((await client.ListAsync()).Items);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], seen.Statuses);
        Assert.InRange(seen.RetryAfters.Single(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
    }

    [RedisFact]
    public async Task RateLimit_TwoReplicasOnOneRedis_ShareOneWindowPerKey()
    {
        var settings = new Dictionary<string, string?> { ["RateLimitPermits"] = "10", ["RateLimitWindowSeconds"] = "60", ["Redis"] = TestServices.Redis };
        await using var first = new TestService(settings);
        var key = await first.CreateKeyAsync("acme");
        await using var second = new TestService(new Dictionary<string, string?>(settings) { ["DataDir"] = first.DataDir });
        using var a = first.ApiClient(key, NoRetries);
        using var b = second.ApiClient(key, NoRetries);

        var answered = 0;
        var refused = 0;
        for (var i = 0; i < 6; i++)
        {
            foreach (var replica in new[] { a, b })
            {
                try
                {
                    await replica.ListAsync();
                    answered++;
                }
                catch (RateLimitedException)
                {
                    refused++;
                }
            }
        }

        // 12 reads of cost 1 against one window of 10: per-replica windows would have let all 12 through.
        Assert.Equal(10, answered);
        Assert.Equal(2, refused);
        Assert.Equal(0, first.Services.GetRequiredService<ServiceMetrics>().RateLimitFallback.Value + second.Services.GetRequiredService<ServiceMetrics>().RateLimitFallback.Value);
    }

    [Fact]
    public async Task RateLimit_RedisUnreachable_FallsBackToThisReplicasWindowAndCountsIt()
    {
        // Nothing listens on port 1: the limiter must keep serving and limiting, on its own window.
        await using var service = new TestService(new Dictionary<string, string?> { ["RateLimitPermits"] = "3", ["RateLimitWindowSeconds"] = "60", ["Redis"] = "127.0.0.1:1,connectTimeout=200" });
        using var client = service.ApiClient(await service.CreateKeyAsync("acme"), NoRetries);

        for (var i = 0; i < 3; i++)
        {
            await client.ListAsync();
        }

        await Assert.ThrowsAsync<RateLimitedException>(() => client.ListAsync());
        Assert.Equal(4, service.Services.GetRequiredService<ServiceMetrics>().RateLimitFallback.Value);
    }

    private static PlanRequest TinySolve() =>
        new(System.Text.Json.Nodes.JsonNode.Parse("{\"agents\":[{\"id\":\"a\"}],\"tasks\":[{\"id\":\"t\",\"duration\":1}]}")!.AsObject()) { TimeLimitSeconds = 1 };

    /// <summary>Records the status (and Retry-After) of every answer the client received, retries included.</summary>
    private sealed class AnswerRecorder : DelegatingHandler
    {
        public List<HttpStatusCode> Statuses { get; } = [];

        public List<TimeSpan> RetryAfters { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Statuses.Add(response.StatusCode);
            if (response.Headers.RetryAfter?.Delta is { } delta)
            {
                RetryAfters.Add(delta);
            }

            return response;
        }
    }
}
