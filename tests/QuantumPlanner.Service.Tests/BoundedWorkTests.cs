using System.Net;
using System.Text.Json.Nodes;
using QuantumPlanner.Client;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// Synchronous solves are bounded: integer fields checked, a work budget, maintenance, and concurrency limits. The
/// refusals a caller meets are read through QuantumPlanner.Client (retries off, so each arrives as answered); the
/// integer fields out of JSON's range or fractional are wire-level and the admin's maintenance switch is not a client
/// call, so those use a raw HttpClient.
/// </summary>
public sealed class BoundedWorkTests : IAsyncLifetime
{
    private TestService service = null!;
    private HttpClient client = null!;
    private QuantumPlannerClient typed = null!;
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0", ["SyncMaxConcurrentSolvesPerTenant"] = "1" });
        var key = await service.CreateKeyAsync("acme");
        client = service.Client(key);
        typed = service.ApiClient(key, new QuantumPlannerClientOptions { MaxRetries = 0 });
        admin = service.Client(await service.CreateKeyAsync("ops", admin: true));
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        typed.Dispose();
        admin.Dispose();
        await service.DisposeAsync();
    }

    [Theory]
    [InlineData("\"reads\": 1e300", "reads")]
    [InlineData("\"reads\": 2.5", "reads")]
    public async Task SolveQubo_IntegerFieldOutOfItsType_Answers422NamingIt(string fields, string named)
    {
        using var response = await PostQuboAsync(fields);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(named, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 10_000_000, null, "$.sweeps")]
    [InlineData(null, null, -1L, "$.seed")]
    [InlineData(10_000, 1_000_000, null, "SyncMaxWorkUnits")]
    public async Task SolveQubo_OutOfRangeOrOverTheWorkBudget_IsInvalidRequestNamingIt(int? reads, int? sweeps, long? seed, string named)
    {
        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => typed.SolveQuboAsync(Qubo() with { Reads = reads, Sweeps = sweeps, Seed = seed }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SolveQubo_WithSweepsAndReads_AnswersWithinTheBudget()
    {
        var result = await typed.SolveQuboAsync(Qubo() with { Reads = 4, Sweeps = 100 });

        Assert.Equal(-1.0, result.Energy);
        Assert.Equal(4, result.Reads);
    }

    [Fact]
    public async Task SolveQubo_InMaintenance_IsServiceUnavailableWithRetryAfter()
    {
        using (var on = await admin.PutAsync("/api/v1/admin/maintenance", Api.Json(new JsonObject { ["enabled"] = true, ["message"] = "upgrade" })))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        }

        var refused = await Record.ExceptionAsync(() => typed.SolveQuboAsync(Qubo() with { Reads = 2 }));
        using var off = await admin.PutAsync("/api/v1/admin/maintenance", Api.Json(new JsonObject { ["enabled"] = false }));

        var unavailable = Assert.IsType<ServiceUnavailableException>(refused);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.Status);
        Assert.NotNull(unavailable.RetryAfter);
        Assert.Contains("maintenance", unavailable.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_SecondSynchronousSolveOfTheSameTenant_IsRateLimitedNamingTheQuota()
    {
        // Two solves of 4 s each, sent together: whichever enters first runs, the other is refused at once.
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 2).Select(seed => Record.ExceptionAsync(
            () => typed.SolveAsync(new PlanRequest(Api.Problem(300, "long")) { Backend = "localsearch", TimeLimitSeconds = 4, Seed = seed }))));

        var refused = Assert.IsType<RateLimitedException>(Assert.Single(outcomes, e => e is RateLimitedException));
        // The one that entered runs: it answers its plan, or on a machine too loaded to finish in its limit + 1 s the
        // wall-clock cap's 503; either way it was not refused by the quota.
        var ran = Assert.Single(outcomes, e => e is not RateLimitedException);
        Assert.True(ran is null or ServiceUnavailableException, $"the solve that entered failed with {ran}");
        Assert.NotNull(refused.RetryAfter);
        Assert.Contains("SyncMaxConcurrentSolvesPerTenant", refused.Detail, StringComparison.Ordinal);
    }

    private static QuboRequest Qubo() =>
        new(JsonNode.Parse("""{"vartype":"BINARY","linear":{"a":-1,"b":1},"quadratic":[["a","b",2]]}""")!.AsObject()) { Solver = "sa", TimeLimitSeconds = 1 };

    private Task<HttpResponseMessage> PostQuboAsync(string fields) =>
        client.PostAsync("/api/v1/qubo/solve", new StringContent(
            $$"""{"model":{"vartype":"BINARY","linear":{"a":-1,"b":1},"quadratic":[["a","b",2]]},"solver":"sa","timeLimitSeconds":1,{{fields}}}""",
            System.Text.Encoding.UTF8,
            "application/json"));
}
