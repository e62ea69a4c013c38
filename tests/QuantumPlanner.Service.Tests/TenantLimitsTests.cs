using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net;
using QuantumPlanner.Client;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// Per-tenant quotas, idempotency keys and cursors, through QuantumPlanner.Client: a client's mistake or excess is a
/// typed 4xx naming it, never a 500. Retries are off so that each refusal reaches the test as it was answered.
/// </summary>
public sealed class TenantLimitsTests : IAsyncLifetime
{
    private TestService service = null!;
    private QuantumPlannerClient acme = null!;
    private QuantumPlannerClient globex = null!;

    public async Task InitializeAsync()
    {
        // No workers: submitted jobs stay queued, so the quota fills.
        service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0", ["MaxActiveJobsPerTenant"] = "2" });
        acme = service.ApiClient(await service.CreateKeyAsync("acme"), new QuantumPlannerClientOptions { MaxRetries = 0 });
        globex = service.ApiClient(await service.CreateKeyAsync("globex"), new QuantumPlannerClientOptions { MaxRetries = 0 });
    }

    public async Task DisposeAsync()
    {
        acme.Dispose();
        globex.Dispose();
        await service.DisposeAsync();
    }

    [Fact]
    public async Task SubmitJob_TenantAtItsQuota_IsRateLimitedNamingTheQuotaWhileOtherTenantsSubmit()
    {
        await acme.SubmitAsync(new PlanRequest(Api.Problem(4)) { Seed = 1 });
        var second = await acme.SubmitAsync(new PlanRequest(Api.Problem(4)) { Seed = 2, IdempotencyKey = "k-2" });

        var third = await Assert.ThrowsAsync<RateLimitedException>(() => acme.SubmitAsync(new PlanRequest(Api.Problem(4)) { Seed = 3 }));
        var replay = await acme.SubmitAsync(new PlanRequest(Api.Problem(4)) { Seed = 2, IdempotencyKey = "k-2" });
        var other = await globex.SubmitAsync(new PlanRequest(Api.Problem(4)) { Seed = 3 });

        Assert.Equal(HttpStatusCode.TooManyRequests, third.Status);
        Assert.True(third.RetryAfter > TimeSpan.Zero, $"Retry-After {third.RetryAfter}");
        Assert.Contains("MaxActiveJobsPerTenant", third.Detail, StringComparison.Ordinal);
        Assert.Contains("'acme'", third.Detail, StringComparison.Ordinal);
        Assert.Contains(third.Errors, e => e.Code == "quota_exceeded");
        Assert.Equal(second.Id, replay.Id);
        Assert.Equal("queued", other.Status);
    }

    [Fact]
    public async Task SubmitJob_IdempotencyKeyReusedWithAnotherProblemOrSeed_IsAConflictNamingTheKey()
    {
        var first = await acme.SubmitAsync(new PlanRequest(Api.Problem(4)) { IdempotencyKey = "order-17" });

        var other = await Assert.ThrowsAsync<ConflictException>(() => acme.SubmitAsync(new PlanRequest(Api.Problem(5)) { IdempotencyKey = "order-17" }));
        var otherSeed = await Assert.ThrowsAsync<ConflictException>(() => acme.SubmitAsync(new PlanRequest(Api.Problem(4)) { Seed = 9, IdempotencyKey = "order-17" }));

        Assert.Contains("'order-17'", other.Detail, StringComparison.Ordinal);
        Assert.Contains(first.Id.ToString(), other.Detail, StringComparison.Ordinal);
        Assert.Contains("problem", other.Detail, StringComparison.Ordinal);
        Assert.Contains("seed", otherSeed.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(-62_135_596_800_000_001)]
    public async Task ListJobs_CursorWithATimeOutOfRange_IsInvalidRequestNamingTheCursor(long micros)
    {
        var bytes = new byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes, micros);
        var cursor = Base64Url.EncodeToString(bytes);

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => acme.ListAsync(cursor: cursor));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(cursor, refused.Detail, StringComparison.Ordinal);
    }
}
