using System.Net;
using System.Text.Json.Nodes;

namespace QuantumPlanner.Service.Tests;

/// <summary>Synchronous solves are bounded: integer fields checked, a work budget, maintenance, and concurrency limits.</summary>
public sealed class BoundedWorkTests : IAsyncLifetime
{
    private TestService service = null!;
    private HttpClient client = null!;
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0", ["SyncMaxConcurrentSolvesPerTenant"] = "1" });
        client = service.Client(await service.CreateKeyAsync("acme"));
        admin = service.Client(await service.CreateKeyAsync("ops", admin: true));
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        admin.Dispose();
        await service.DisposeAsync();
    }

    [Theory]
    [InlineData("\"reads\": 1e300", "reads")]
    [InlineData("\"reads\": 2.5", "reads")]
    [InlineData("\"sweeps\": 10000000", "sweeps")]
    [InlineData("\"seed\": -1", "seed")]
    [InlineData("\"reads\": 10000, \"sweeps\": 1000000", "SyncMaxWorkUnits")]
    public async Task SolveQubo_OutOfRangeIntegerOrOverTheWorkBudget_Answers422NamingIt(string fields, string named)
    {
        using var response = await PostQuboAsync(fields);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(named, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SolveQubo_WithSweepsAndReads_AnswersWithinTheBudget()
    {
        using var response = await PostQuboAsync("\"reads\": 4, \"sweeps\": 100");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(-1.0, body["energy"]!.GetValue<double>());
    }

    [Fact]
    public async Task SolveQubo_InMaintenance_Answers503WithRetryAfter()
    {
        using (var on = await admin.PutAsync("/api/v1/admin/maintenance", Api.Json(new JsonObject { ["enabled"] = true, ["message"] = "upgrade" })))
        {
            Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        }

        using var response = await PostQuboAsync("\"reads\": 2");
        using var off = await admin.PutAsync("/api/v1/admin/maintenance", Api.Json(new JsonObject { ["enabled"] = false }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("maintenance", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_SecondSynchronousSolveOfTheSameTenant_Answers429NamingTheQuota()
    {
        // Two solves of 4 s each, sent together: whichever enters first runs, the other is refused at once.
        var responses = await Task.WhenAll(
            client.PostAsync("/api/v1/solve", Api.Json(Api.Job(Api.Problem(300, "long"), "localsearch", timeLimit: 4, seed: 1))),
            client.PostAsync("/api/v1/solve", Api.Json(Api.Job(Api.Problem(300, "long"), "localsearch", timeLimit: 4, seed: 2))));

        var refused = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.TooManyRequests);
        // The one that entered runs: it answers its plan, or on a machine too loaded to finish in its limit + 1 s the
        // wall-clock cap's 503; either way it was not refused by the quota.
        var ran = Assert.Single(responses, r => r != refused);
        Assert.Contains(ran.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("SyncMaxConcurrentSolvesPerTenant", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private Task<HttpResponseMessage> PostQuboAsync(string fields) =>
        client.PostAsync("/api/v1/qubo/solve", new StringContent(
            $$"""{"model":{"vartype":"BINARY","linear":{"a":-1,"b":1},"quadratic":[["a","b",2]]},"solver":"sa","timeLimitSeconds":1,{{fields}}}""",
            System.Text.Encoding.UTF8,
            "application/json"));
}
