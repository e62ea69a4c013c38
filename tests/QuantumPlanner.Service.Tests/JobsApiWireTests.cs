using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// The jobs API on the wire, with a raw HttpClient on purpose: what QuantumPlanner.Client hides or never sends
/// (header shapes of the key, content types, malformed bodies, fields of the wrong JSON type, query parameters out of
/// range, the operators' smoke route). The API's behaviour as a caller sees it is tested through the client in
/// JobsApiTests.
/// </summary>
public sealed class JobsApiWireTests : IAsyncLifetime
{
    private TestService service = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        service = new TestService();
        client = service.Client(await service.CreateKeyAsync("acme"));
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await service.DisposeAsync();
    }

    [Fact]
    public async Task GetJob_OtherTenantsJob_Answers404AsProblemJson()
    {
        var submitted = await Api.SubmitAsync(client, Api.Job(Api.Problem(3)));
        using var other = service.Client(await service.CreateKeyAsync("globex"));

        using var response = await other.GetAsync($"/api/v1/jobs/{submitted["id"]}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Request_WithoutKeyOrWithUnknownKey_Answers401()
    {
        using var anonymous = service.Client();
        using var none = await anonymous.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);

        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "qp_0000000000000000_wrong");
        using var wrong = await anonymous.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task Request_WithXApiKeyHeader_IsAuthenticated()
    {
        using var viaHeader = service.Client();
        viaHeader.DefaultRequestHeaders.Add("X-Api-Key", await service.CreateKeyAsync("acme"));
        using var response = await viaHeader.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SubmitJob_MalformedJson_Answers400WithLineAndColumn()
    {
        using var response = await client.PostAsync("/api/v1/jobs", new StringContent("{\n  \"problem\": {,\n}", Encoding.UTF8, "application/json"));
        var problem = await response.ReadObjectAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("line 2", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetJob_WaitSecondsOutOfRangeOrOtherTenant_Answers400Or404()
    {
        var id = (await Api.SubmitAsync(client, Api.Job(Api.Problem(3), seed: 77)))["id"]!.GetValue<string>();
        using var other = service.Client(await service.CreateKeyAsync("globex"));

        foreach (var wait in new[] { "-1", "31", "NaN" })
        {
            using var bad = await client.GetAsync($"/api/v1/jobs/{id}?waitSeconds={wait}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("waitSeconds", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var foreign = await other.GetAsync($"/api/v1/jobs/{id}?waitSeconds=5");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task SubmitJob_TopLevelBaselineNotAnObject_Is400NamingTheField()
    {
        var body = Api.Job(Api.Problem(4));
        body["baseline"] = new JsonArray(1, 2);

        using var response = await client.PostAsync("/api/v1/jobs", Api.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("$.baseline", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptimizeTest_BuiltInProblem_Passes()
    {
        using var response = await client.PostAsync("/api/v1/optimize/test", null);
        var body = await response.ReadObjectAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body["passed"]!.GetValue<bool>(), body.ToJsonString());
    }
}
