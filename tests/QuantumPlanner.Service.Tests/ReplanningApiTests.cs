using System.Net;
using System.Text.Json.Nodes;

namespace QuantumPlanner.Service.Tests;

/// <summary>Re-planning through the HTTP API: the problem's own "baseline" field, pins and the reported changes.</summary>
public sealed class ReplanningApiTests : IAsyncLifetime
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
    public async Task SolveNow_ProblemWithBaseline_KeepsThePinAndReportsChanges()
    {
        var problem = Api.Problem(6);
        problem["objective"] = new JsonObject { ["makespan"] = 1, ["changes"] = 5 };
        problem["baseline"] = new JsonObject
        {
            ["assignments"] = new JsonArray(
                new JsonObject { ["task"] = "t1", ["agent"] = "a3", ["start"] = 4, ["pinned"] = true },
                new JsonObject { ["task"] = "t0", ["agent"] = "a2", ["start"] = 0 }),
        };

        using var response = await client.PostAsync("/api/v1/solve", Api.Json(Api.Job(problem, "localsearch", timeLimit: 2)));
        var plan = await response.ReadObjectAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pinned = plan["assignments"]!.AsArray().Single(a => a!["task"]!.GetValue<string>() == "t1")!;
        Assert.Equal(("a3", 4), (pinned["agent"]!.GetValue<string>(), pinned["start"]!.GetValue<int>()));
        Assert.NotNull(plan["changes"]);
        Assert.Contains(plan["score"]!["breakdown"]!.AsArray(), t => t!["term"]!.GetValue<string>() == "changes");
    }

    [Fact]
    public async Task SolveNow_PinToUnknownAgent_IsRejectedNamingThePin()
    {
        var problem = Api.Problem(4);
        problem["baseline"] = new JsonObject
        {
            ["assignments"] = new JsonArray(new JsonObject { ["task"] = "t1", ["agent"] = "a9", ["start"] = 0, ["pinned"] = true }),
        };

        using var response = await client.PostAsync("/api/v1/solve", Api.Json(Api.Job(problem, timeLimit: 2)));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, response.StatusCode.ToString());
        Assert.Contains("baseline task 't1'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
