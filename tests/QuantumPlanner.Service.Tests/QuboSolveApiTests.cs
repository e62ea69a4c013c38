using System.Net;
using System.Text.Json.Nodes;
using QuantumPlanner.Client;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// POST /api/v1/qubo/solve reads the same request as `qplan qubo solve` and answers the same document. The fields of
/// the wrong JSON type and the full answer document are wire-level, so those tests use a raw HttpClient (the typed
/// client can neither write such fields nor shows every field); the rest go through QuantumPlanner.Client.
/// </summary>
public sealed class QuboSolveApiTests : IAsyncLifetime
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

    private static JsonObject Model() => new()
    {
        ["vartype"] = "BINARY",
        ["linear"] = new JsonObject { ["a"] = -1, ["b"] = -1 },
        ["quadratic"] = new JsonArray(new JsonArray("a", "b", 3)),
    };

    [Theory]
    [InlineData("solver", "5")]
    [InlineData("solver", "\"annealing\"")]
    [InlineData("reads", "0.5")]
    [InlineData("reads", "0")]
    [InlineData("sweeps", "-10")]
    [InlineData("threads", "\"two\"")]
    [InlineData("seed", "-1")]
    [InlineData("timeLimitSeconds", "true")]
    [InlineData("timeLimitSeconds", "3600")]
    [InlineData("target", "{}")]
    [InlineData("colour", "1")]
    public async Task Solve_WrongField_Answers422NamingIt(string field, string value)
    {
        var body = new JsonObject { ["model"] = Model(), [field] = JsonNode.Parse(value) };

        using var response = await client.PostAsync("/api/v1/qubo/solve", Api.Json(body));
        var problem = await response.ReadObjectAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var error = Assert.Single(problem["errors"]!.AsArray());
        Assert.Equal("$." + field, error!["item"]!.GetValue<string>());
        Assert.StartsWith(field + " ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_NoSolver_RunsAutoAndAnswersTheSharedDocument()
    {
        var body = new JsonObject { ["model"] = Model(), ["seed"] = 3, ["sweeps"] = 100 };

        using var response = await client.PostAsync("/api/v1/qubo/solve", Api.Json(body));
        var result = await response.ReadObjectAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("auto", result["solver"]!.GetValue<string>());
        Assert.Equal("exact", result["chosen"]!.GetValue<string>());
        Assert.Equal(-1, result["energy"]!.GetValue<double>());
        Assert.Equal(1, result["sample"]!["a"]!.GetValue<int>() + result["sample"]!["b"]!.GetValue<int>());
        foreach (var name in new[] { "vartype", "sense", "variables", "interactions", "objective", "meanObjective", "reads", "threads", "timing" })
        {
            Assert.NotNull(result[name]);
        }
    }

    [Fact]
    public async Task Solve_ThroughTheClient_AnswersTheBestSampleTyped()
    {
        using var typed = service.ApiClient(await service.CreateKeyAsync("acme"));

        var result = await typed.SolveQuboAsync(new QuboRequest(Model()) { Seed = 3, Sweeps = 100 });

        Assert.Equal("auto", result.Solver);
        Assert.Equal("exact", result.Chosen);
        Assert.Equal("BINARY", result.Vartype);
        Assert.Equal(-1, result.Energy);
        Assert.Equal(result.Energy, result.Objective);
        Assert.Equal(1, result.Sample["a"] + result.Sample["b"]);
        Assert.True(result.Reads >= 1);
        Assert.True(result.Timing.TotalMs >= result.Timing.TimeToBestMs);
    }

    [Fact]
    public async Task Solve_UnknownSolver_IsInvalidRequestNamingTheField()
    {
        using var typed = service.ApiClient(await service.CreateKeyAsync("acme"));

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => typed.SolveQuboAsync(new QuboRequest(Model()) { Solver = "annealing" }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("$.solver", Assert.Single(refused.Errors).Item);
    }
}
