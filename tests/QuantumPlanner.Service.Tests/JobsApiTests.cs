using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantumPlanner.Service.Tests;

/// <summary>The jobs API end to end through WebApplicationFactory on the SQLite default store.</summary>
public sealed class JobsApiTests : IAsyncLifetime
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
    public async Task SubmitJob_ValidProblem_CompletesWithPlanThatAssignsEveryTask()
    {
        var problem = Api.Problem(6);
        var submitted = await Api.SubmitAsync(client, Api.Job(problem, seed: 11));
        Assert.Equal("queued", submitted["status"]!.GetValue<string>());
        var id = submitted["id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/jobs/{id}/result", submitted["links"]!["result"]!.GetValue<string>());

        var job = await Api.WaitAsync(client, id);
        Assert.Equal("completed", job["status"]!.GetValue<string>());
        Assert.NotNull(job["startedAt"]);
        Assert.NotNull(job["completedAt"]);
        Assert.False(string.IsNullOrEmpty(job["backendUsed"]?.GetValue<string>()));

        var plan = await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}/result");
        var tasks = new HashSet<string>();
        foreach (var assignment in plan!["assignments"]!.AsArray())
        {
            tasks.Add(assignment!["task"]!.GetValue<string>());
        }

        Assert.Equal(problem["tasks"]!.AsArray().Count, tasks.Count);
        Assert.Equal(0, plan["score"]!["hardViolations"]?.GetValue<int>() ?? plan["score"]!["violations"]!.AsArray().Count);
    }

    [Fact]
    public async Task SubmitJob_SameIdempotencyKey_ReturnsTheSameJob()
    {
        var first = await Api.SubmitAsync(client, Api.Job(Api.Problem(4), idempotencyKey: "order-17"));
        using var again = await client.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(4), idempotencyKey: "order-17")));
        var second = await again.ReadObjectAsync();
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first["id"]!.GetValue<string>(), second["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetJob_OtherTenantsJob_Answers404()
    {
        var submitted = await Api.SubmitAsync(client, Api.Job(Api.Problem(3)));
        using var other = service.Client(await service.CreateKeyAsync("globex"));
        using var response = await other.GetAsync($"/api/v1/jobs/{submitted["id"]}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var cancel = await other.DeleteAsync($"/api/v1/jobs/{submitted["id"]}");
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
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
    public async Task SubmitJob_InvalidProblem_Answers422ListingEveryError()
    {
        var problem = Api.Problem(3);
        problem["tasks"]!.AsArray().Add(new JsonObject { ["id"] = "bad", ["duratoin"] = 2 });
        problem["tasks"]!.AsArray().Add(new JsonObject { ["id"] = "worse", ["dependsOn"] = new JsonArray("nowhere"), ["colour"] = "red" });
        using var response = await client.PostAsync("/api/v1/jobs", Api.Json(Api.Job(problem, backend: "warp-drive")));
        var body = await response.ReadObjectAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var errors = body["errors"]!.AsArray();
        Assert.True(errors.Count >= 3, body.ToJsonString());
        Assert.Contains(errors, e => e!["code"]!.GetValue<string>() == "unknown-backend");
        Assert.Contains(errors, e => e!["message"]!.GetValue<string>().Contains("duratoin", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!["message"]!.GetValue<string>().Contains("colour", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SubmitJob_OverTaskLimit_Answers422NamingTheLimit()
    {
        await using var small = new TestService(new Dictionary<string, string?> { ["MaxTasks"] = "5" });
        using var limited = small.Client(await small.CreateKeyAsync("acme"));
        using var response = await limited.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(8))));
        var body = await response.ReadObjectAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("MaxTasks", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitJob_BodyOverLimit_Answers413()
    {
        await using var small = new TestService(new Dictionary<string, string?> { ["MaxBodyBytes"] = "2000" });
        using var limited = small.Client(await small.CreateKeyAsync("acme"));
        using var response = await limited.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(200))));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("MaxBodyBytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListJobs_WithLimit_PagesThroughEveryJobOnce()
    {
        await using var idle = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var lister = idle.Client(await idle.CreateKeyAsync("lister"));
        var ids = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Api.SubmitAsync(lister, Api.Job(Api.Problem(2), seed: i)))["id"]!.GetValue<string>());
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await lister.GetFromJsonAsync<JsonObject>($"/api/v1/jobs?status=queued&limit=2{(cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor))}");
            foreach (var item in page!["items"]!.AsArray())
            {
                seen.Add(item!["id"]!.GetValue<string>());
            }

            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(5, seen.Count);
        Assert.True(ids.SetEquals(seen));
        using var bad = await lister.GetAsync("/api/v1/jobs?status=sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task GetJob_WaitSeconds_AnswersOnceTheJobCompleted()
    {
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await Api.SubmitAsync(client, Api.Job(Api.Problem(4), backend: "greedy", seed: 300 + i)))["id"]!.GetValue<string>());
        }

        foreach (var id in ids)
        {
            using var response = await client.GetAsync($"/api/v1/jobs/{id}?waitSeconds=30");
            var job = await response.ReadObjectAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("completed", job["status"]!.GetValue<string>());
            Assert.NotNull(job["completedAt"]);
        }
    }

    [Fact]
    public async Task GetJob_WaitSecondsWithoutWorkers_AnswersQueuedWhenTheWaitRunsOut()
    {
        await using var idle = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var c = idle.Client(await idle.CreateKeyAsync("acme"));
        var id = (await Api.SubmitAsync(c, Api.Job(Api.Problem(3))))["id"]!.GetValue<string>();

        using var response = await c.GetAsync($"/api/v1/jobs/{id}?waitSeconds=0.3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("queued", (await response.ReadObjectAsync())["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetJob_WaitSecondsThenCancel_AnswersCancelled()
    {
        await using var idle = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var c = idle.Client(await idle.CreateKeyAsync("acme"));
        var id = (await Api.SubmitAsync(c, Api.Job(Api.Problem(3))))["id"]!.GetValue<string>();

        var waiting = c.GetAsync($"/api/v1/jobs/{id}?waitSeconds=30");
        using (var cancel = await c.DeleteAsync($"/api/v1/jobs/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        using var response = await waiting;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cancelled", (await response.ReadObjectAsync())["status"]!.GetValue<string>());
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
    public async Task CancelJob_Queued_BecomesCancelledAndHasNoResult()
    {
        await using var idle = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var c = idle.Client(await idle.CreateKeyAsync("acme"));
        var id = (await Api.SubmitAsync(c, Api.Job(Api.Problem(3))))["id"]!.GetValue<string>();
        using var cancel = await c.DeleteAsync($"/api/v1/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (await cancel.ReadObjectAsync())["status"]!.GetValue<string>());
        using var result = await c.GetAsync($"/api/v1/jobs/{id}/result");
        Assert.Equal(HttpStatusCode.Conflict, result.StatusCode);
    }

    [Fact]
    public async Task CancelJob_Running_StopsTheSolverPromptly()
    {
        var id = (await Api.SubmitAsync(client, Api.LongJob(timeLimit: 120)))["id"]!.GetValue<string>();
        var running = await Api.WaitAsync(client, id, TimeSpan.FromSeconds(20), j => j["status"]!.GetValue<string>() != "queued");
        Assert.Equal("running", running["status"]!.GetValue<string>());
        using var cancel = await client.DeleteAsync($"/api/v1/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);

        // The worker slot frees up: a small job submitted now completes long before the 120 s limit of the first.
        var next = (await Api.SubmitAsync(client, Api.Job(Api.Problem(3), seed: 99)))["id"]!.GetValue<string>();
        var done = await Api.WaitAsync(client, next, TimeSpan.FromSeconds(20));
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.Equal("cancelled", (await Api.WaitAsync(client, id, TimeSpan.FromSeconds(1)))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task SolveNow_SmallProblem_ReturnsPlanInTheResponse()
    {
        using var response = await client.PostAsync("/api/v1/solve", Api.Json(Api.Job(Api.Problem(5), timeLimit: 2)));
        var plan = await response.ReadObjectAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, plan["assignments"]!.AsArray().Count);
    }

    [Fact]
    public async Task SolveNow_TimeLimitAboveSyncBound_Answers422()
    {
        using var response = await client.PostAsync("/api/v1/solve", Api.Json(Api.Job(Api.Problem(3), timeLimit: 3600)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("MaxTimeLimitSeconds", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backends_ListsAutoAndAvailability()
    {
        var body = await client.GetFromJsonAsync<JsonObject>("/api/v1/backends");
        var names = body!["backends"]!.AsArray().Select(b => b!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("auto", names);
        Assert.Contains("greedy", names);
        Assert.All(body["backends"]!.AsArray(), b => Assert.NotNull(b!["available"]));
    }

    /// <summary>Re-planning goes through the problem's own "baseline" field: pins hold and the plan reports changes.</summary>
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

    /// <summary>The request's own "baseline" (a previous plan, as qplan solve --baseline reads it) replaces the problem's.</summary>
    [Fact]
    public async Task SolveNow_TopLevelBaseline_ReplacesTheProblemsOwnAndKeepsItsPin()
    {
        var problem = Api.Problem(6);
        problem["objective"] = new JsonObject { ["makespan"] = 1, ["changes"] = 5 };
        problem["baseline"] = new JsonObject
        {
            ["assignments"] = new JsonArray(new JsonObject { ["task"] = "t1", ["agent"] = "a1", ["start"] = 0, ["pinned"] = true }),
        };
        var body = Api.Job(problem, "localsearch", timeLimit: 2);
        body["baseline"] = PinT1OnA3At4();

        using var response = await client.PostAsync("/api/v1/solve", Api.Json(body));
        var plan = await response.ReadObjectAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var pinned = plan["assignments"]!.AsArray().Single(a => a!["task"]!.GetValue<string>() == "t1")!;
        Assert.Equal(("a3", 4), (pinned["agent"]!.GetValue<string>(), pinned["start"]!.GetValue<int>()));
        Assert.NotNull(plan["changes"]);
    }

    [Fact]
    public async Task SubmitJob_TopLevelBaseline_TheWorkerSolvesWithItsPin()
    {
        var body = Api.Job(Api.Problem(6), "greedy", timeLimit: 2);
        body["baseline"] = PinT1OnA3At4();

        var id = (await Api.SubmitAsync(client, body))["id"]!.GetValue<string>();

        Assert.Equal("completed", (await Api.WaitAsync(client, id))["status"]!.GetValue<string>());
        var plan = await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}/result");
        var pinned = plan!["assignments"]!.AsArray().Single(a => a!["task"]!.GetValue<string>() == "t1")!;
        Assert.Equal(("a3", 4), (pinned["agent"]!.GetValue<string>(), pinned["start"]!.GetValue<int>()));
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
    public async Task SubmitJob_TopLevelBaselineWithoutAssignmentsAndPinToUnknownAgent_Is422NamingEach()
    {
        var missing = Api.Job(Api.Problem(4));
        missing["baseline"] = new JsonObject { ["status"] = "feasible" };
        var unknownAgent = Api.Job(Api.Problem(4));
        unknownAgent["baseline"] = new JsonObject
        {
            ["assignments"] = new JsonArray(new JsonObject { ["task"] = "t1", ["agent"] = "a9", ["start"] = 0, ["pinned"] = true }),
        };

        using var noAssignments = await client.PostAsync("/api/v1/jobs", Api.Json(missing));
        using var badPin = await client.PostAsync("/api/v1/jobs", Api.Json(unknownAgent));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, noAssignments.StatusCode);
        Assert.Contains("$.baseline", await noAssignments.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badPin.StatusCode);
        Assert.Contains("baseline task 't1'", await badPin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static JsonObject PinT1OnA3At4() => new()
    {
        ["status"] = "feasible",
        ["assignments"] = new JsonArray(
            new JsonObject { ["task"] = "t1", ["agent"] = "a3", ["start"] = 4, ["end"] = 6, ["pinned"] = true },
            new JsonObject { ["task"] = "t0", ["agent"] = "a2", ["start"] = 0, ["end"] = 1 }),
    };

    [Fact]
    public async Task OptimizeTest_BuiltInProblem_Passes()
    {
        using var response = await client.PostAsync("/api/v1/optimize/test", null);
        var body = await response.ReadObjectAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body["passed"]!.GetValue<bool>(), body.ToJsonString());
    }
}

/// <summary>Graceful shutdown: a running job that cannot finish within the grace period goes back to the queue.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Shutdown_WithRunningJob_ReleasesItBackToTheQueue()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-service-tests", Guid.NewGuid().ToString("N"));
        string id;
        string key;
        var first = new TestService(new Dictionary<string, string?> { ["DataDir"] = dataDir, ["ShutdownGraceSeconds"] = "1", ["Workers"] = "1" });
        key = await first.CreateKeyAsync("acme");
        using (var client = first.Client(key))
        {
            id = (await Api.SubmitAsync(client, Api.LongJob(timeLimit: 120)))["id"]!.GetValue<string>();
            var running = await Api.WaitAsync(client, id, TimeSpan.FromSeconds(20), j => j["status"]!.GetValue<string>() != "queued");
            Assert.Equal("running", running["status"]!.GetValue<string>());
        }

        await first.DisposeAsync();

        await using var second = new TestService(new Dictionary<string, string?> { ["DataDir"] = dataDir, ["Workers"] = "0" });
        using var reader = second.Client(key);
        var job = await reader.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}");
        Assert.Equal("queued", job!["status"]!.GetValue<string>());
    }
}
