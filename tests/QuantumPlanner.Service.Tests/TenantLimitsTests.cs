using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net;

namespace QuantumPlanner.Service.Tests;

/// <summary>Per-tenant quotas, idempotency keys and cursors: a client's mistake or excess is a 4xx naming it, never a 500.</summary>
public sealed class TenantLimitsTests : IAsyncLifetime
{
    private TestService service = null!;
    private HttpClient acme = null!;
    private HttpClient globex = null!;

    public async Task InitializeAsync()
    {
        // No workers: submitted jobs stay queued, so the quota fills.
        service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0", ["MaxActiveJobsPerTenant"] = "2" });
        acme = service.Client(await service.CreateKeyAsync("acme"));
        globex = service.Client(await service.CreateKeyAsync("globex"));
    }

    public async Task DisposeAsync()
    {
        acme.Dispose();
        globex.Dispose();
        await service.DisposeAsync();
    }

    [Fact]
    public async Task SubmitJob_TenantAtItsQuota_Answers429NamingTheQuotaWhileOtherTenantsSubmit()
    {
        await Api.SubmitAsync(acme, Api.Job(Api.Problem(4), seed: 1));
        await Api.SubmitAsync(acme, Api.Job(Api.Problem(4), seed: 2, idempotencyKey: "k-2"));

        using var third = await acme.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(4), seed: 3)));
        var body = await third.ReadObjectAsync();
        using var replay = await acme.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(4), seed: 2, idempotencyKey: "k-2")));
        using var other = await globex.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(4), seed: 3)));

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("MaxActiveJobsPerTenant", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("'acme'", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
    }

    [Fact]
    public async Task SubmitJob_IdempotencyKeyReusedWithAnotherProblem_Answers409NamingTheKey()
    {
        var first = await Api.SubmitAsync(acme, Api.Job(Api.Problem(4), idempotencyKey: "order-17"));

        using var other = await acme.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(5), idempotencyKey: "order-17")));
        var body = await other.ReadObjectAsync();
        using var otherSeed = await acme.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(4), seed: 9, idempotencyKey: "order-17")));

        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        var detail = body["detail"]!.GetValue<string>();
        Assert.Contains("'order-17'", detail, StringComparison.Ordinal);
        Assert.Contains(first["id"]!.GetValue<string>(), detail, StringComparison.Ordinal);
        Assert.Contains("problem", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, otherSeed.StatusCode);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    [InlineData(-62_135_596_800_000_001)]
    public async Task ListJobs_CursorWithATimeOutOfRange_Answers400(long micros)
    {
        var bytes = new byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes, micros);
        var cursor = Base64Url.EncodeToString(bytes);

        using var response = await acme.GetAsync($"/api/v1/jobs?cursor={cursor}");
        var body = await response.ReadObjectAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(cursor, body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
