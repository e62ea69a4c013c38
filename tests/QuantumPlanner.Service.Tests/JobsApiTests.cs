using System.Net;
using System.Text.Json.Nodes;
using QuantumPlanner.Client;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// The jobs, solve and backends API end to end through QuantumPlanner.Client (WebApplicationFactory, SQLite store,
/// real workers): what a caller of the API sees, problem details as typed exceptions. What only the wire shows
/// (malformed bodies, header shapes, content types, parameters the client never sends) is in JobsApiWireTests.
/// </summary>
public sealed class JobsApiTests : IAsyncLifetime
{
    private TestService service = null!;
    private QuantumPlannerClient client = null!;

    public async Task InitializeAsync()
    {
        service = new TestService();
        client = service.ApiClient(await service.CreateKeyAsync("acme"));
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await service.DisposeAsync();
    }

    [Fact]
    public async Task SubmitJob_ValidProblem_CompletesWithPlanThatAssignsEveryTask()
    {
        var submitted = await client.SubmitAsync(new PlanRequest(Api.Problem(6)) { Seed = 11, TimeLimitSeconds = 5 });
        Assert.Equal("queued", submitted.Status);
        Assert.Equal($"/api/v1/jobs/{submitted.Id}/result", submitted.Links.Result);

        var job = await client.WaitAsync(submitted.Id, TimeSpan.FromSeconds(30));
        Assert.Equal("completed", job.Status);
        Assert.NotNull(job.StartedAt);
        Assert.NotNull(job.CompletedAt);
        Assert.False(string.IsNullOrEmpty(job.BackendUsed));

        var plan = await client.GetResultAsync(submitted.Id);
        Assert.Equal(["t0", "t1", "t2", "t3", "t4", "t5"], plan.Assignments.Select(a => a.Task).Order(StringComparer.Ordinal));
        Assert.Equal(0, plan.Score.HardViolations);
    }

    [Fact]
    public async Task SubmitJob_SameIdempotencyKey_ReturnsTheSameJob()
    {
        var first = await client.SubmitAsync(new PlanRequest(Api.Problem(4)) { IdempotencyKey = "order-17" });
        var second = await client.SubmitAsync(new PlanRequest(Api.Problem(4)) { IdempotencyKey = "order-17" });

        Assert.Equal(first.Id, second.Id);
        Assert.Equal("order-17", second.IdempotencyKey);
    }

    [Fact]
    public async Task SubmitJob_IdempotencyKeyReusedWithAnotherProblem_IsAConflictNamingTheKey()
    {
        var first = await client.SubmitAsync(new PlanRequest(Api.Problem(4)) { IdempotencyKey = "order-18" });

        var conflict = await Assert.ThrowsAsync<ConflictException>(() => client.SubmitAsync(new PlanRequest(Api.Problem(5)) { IdempotencyKey = "order-18" }));

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Contains("order-18", conflict.Detail, StringComparison.Ordinal);
        Assert.Contains(first.Id.ToString(), conflict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetJob_OtherTenantsJob_IsNotFoundForGetAndCancel()
    {
        var submitted = await client.SubmitAsync(new PlanRequest(Api.Problem(3)));
        using var other = service.ApiClient(await service.CreateKeyAsync("globex"));

        var get = await Assert.ThrowsAsync<NotFoundException>(() => other.GetAsync(submitted.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => other.CancelAsync(submitted.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => other.GetResultAsync(submitted.Id));

        Assert.Equal(HttpStatusCode.NotFound, get.Status);
        Assert.Contains(submitted.Id.ToString(), get.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitJob_InvalidProblem_IsInvalidRequestListingEveryError()
    {
        var problem = Api.Problem(3);
        problem["tasks"]!.AsArray().Add(new JsonObject { ["id"] = "bad", ["duratoin"] = 2 });
        problem["tasks"]!.AsArray().Add(new JsonObject { ["id"] = "worse", ["dependsOn"] = new JsonArray("nowhere"), ["colour"] = "red" });

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => client.SubmitAsync(new PlanRequest(problem) { Backend = "warp-drive" }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.True(refused.Errors.Count >= 3, refused.Message);
        Assert.Contains(refused.Errors, e => e.Code == "unknown-backend" && e.Item == "$.backend");
        Assert.Contains(refused.Errors, e => e.Message.Contains("duratoin", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.Message.Contains("colour", StringComparison.Ordinal));
        Assert.All(refused.Errors, e => Assert.False(string.IsNullOrEmpty(e.Suggestion), $"{e.Item}: {e.Message} has no suggestion"));
    }

    [Fact]
    public async Task SubmitJob_OverTaskLimit_IsInvalidRequestNamingTheLimit()
    {
        await using var small = new TestService(new Dictionary<string, string?> { ["MaxTasks"] = "5" });
        using var limited = small.ApiClient(await small.CreateKeyAsync("acme"));

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => limited.SubmitAsync(new PlanRequest(Api.Problem(8))));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains(refused.Errors, e => e.Item == "$.problem.tasks" && e.Message.Contains("MaxTasks", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SubmitJob_BodyOverLimit_IsInvalidRequestWithStatus413()
    {
        await using var small = new TestService(new Dictionary<string, string?> { ["MaxBodyBytes"] = "2000" });
        using var limited = small.ApiClient(await small.CreateKeyAsync("acme"));

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => limited.SubmitAsync(new PlanRequest(Api.Problem(200))));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.Status);
        Assert.Contains("MaxBodyBytes", refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListJobs_WithLimitAndStatus_PagesThroughEveryJobOnce()
    {
        await using var idle = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var lister = idle.ApiClient(await idle.CreateKeyAsync("lister"));
        var ids = new HashSet<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await lister.SubmitAsync(new PlanRequest(Api.Problem(2)) { Seed = i })).Id);
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await lister.ListAsync(status: "queued", limit: 2, cursor: cursor);
            Assert.InRange(page.Items.Count, 1, 2);
            Assert.All(page.Items, j => Assert.Equal("queued", j.Status));
            seen.AddRange(page.Items.Select(j => j.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(5, seen.Count);
        Assert.True(ids.SetEquals(seen));
        Assert.Empty((await lister.ListAsync(status: "completed")).Items);
        var bad = await Assert.ThrowsAsync<InvalidRequestException>(() => lister.ListAsync(status: "sleeping"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
    }

    [Fact]
    public async Task WaitJob_LongPoll_AnswersOnceTheJobCompleted()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await client.SubmitAsync(new PlanRequest(Api.Problem(4)) { Backend = "greedy", Seed = 300 + i })).Id);
        }

        foreach (var id in ids)
        {
            var job = await client.WaitAsync(id, TimeSpan.FromSeconds(30));

            Assert.Equal("completed", job.Status);
            Assert.NotNull(job.CompletedAt);
        }
    }

    [Fact]
    public async Task WaitJob_WithoutWorkers_AnswersQueuedWhenTheWaitRunsOut()
    {
        await using var idle = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var c = idle.ApiClient(await idle.CreateKeyAsync("acme"));
        var id = (await c.SubmitAsync(new PlanRequest(Api.Problem(3)))).Id;

        var job = await c.WaitAsync(id, TimeSpan.FromSeconds(0.3));

        Assert.Equal("queued", job.Status);
        Assert.False(job.IsFinished);
    }

    [Fact]
    public async Task WaitJob_ThenCancel_AnswersCancelled()
    {
        await using var idle = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var c = idle.ApiClient(await idle.CreateKeyAsync("acme"));
        var id = (await c.SubmitAsync(new PlanRequest(Api.Problem(3)))).Id;

        var waiting = c.WaitAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal("cancelled", (await c.CancelAsync(id)).Status);

        Assert.Equal("cancelled", (await waiting).Status);
    }

    [Fact]
    public async Task CancelJob_Queued_BecomesCancelledAndItsResultIsAConflict()
    {
        await using var idle = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var c = idle.ApiClient(await idle.CreateKeyAsync("acme"));
        var id = (await c.SubmitAsync(new PlanRequest(Api.Problem(3)))).Id;

        var cancelled = await c.CancelAsync(id);

        Assert.Equal("cancelled", cancelled.Status);
        var conflict = await Assert.ThrowsAsync<ConflictException>(() => c.GetResultAsync(id));
        Assert.Contains("cancelled", conflict.Detail, StringComparison.Ordinal);
        Assert.Equal("cancelled", (await c.CancelAsync(id)).Status); // a second cancel is answered, not refused
    }

    [Fact]
    public async Task CancelJob_Running_StopsTheSolverPromptly()
    {
        var id = (await client.SubmitAsync(new PlanRequest(Api.Problem(300, "long")) { Backend = "localsearch", TimeLimitSeconds = 120 })).Id;
        var running = await WaitUntilAsync(id, j => j.Status != "queued", TimeSpan.FromSeconds(20));
        Assert.Equal("running", running.Status);

        Assert.Equal("cancelled", (await client.CancelAsync(id)).Status);

        // The worker slot frees up: a small job submitted now completes long before the 120 s limit of the first.
        var next = (await client.SubmitAsync(new PlanRequest(Api.Problem(3)) { Seed = 99 })).Id;
        Assert.Equal("completed", (await client.WaitAsync(next, TimeSpan.FromSeconds(20))).Status);
        Assert.Equal("cancelled", (await client.GetAsync(id)).Status);
    }

    [Fact]
    public async Task SolveNow_SmallProblem_ReturnsPlanInTheResponse()
    {
        var plan = await client.SolveAsync(new PlanRequest(Api.Problem(5)) { TimeLimitSeconds = 2 });

        Assert.Equal(5, plan.Assignments.Count);
        Assert.Contains(plan.Status, new[] { "optimal", "feasible" });
    }

    [Fact]
    public async Task SolveNow_TimeLimitAboveSyncBound_IsInvalidRequestNamingTheLimit()
    {
        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => client.SolveAsync(new PlanRequest(Api.Problem(3)) { TimeLimitSeconds = 3600 }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Contains(refused.Errors, e => e.Item == "$.timeLimitSeconds" && e.Message.Contains("MaxTimeLimitSeconds", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Backends_ListsAutoAndAvailability()
    {
        var backends = await client.GetBackendsAsync();

        Assert.Contains(backends.Backends, b => b.Name == "auto");
        Assert.Contains(backends.Backends, b => b.Name == "greedy" && b.Available);
        Assert.All(backends.Backends, b => Assert.True(b.Available || !string.IsNullOrEmpty(b.Reason), $"{b.Name} is unavailable without a reason"));
        Assert.NotEmpty(backends.Samplers);
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

        var plan = await client.SolveAsync(new PlanRequest(problem) { Backend = "localsearch", TimeLimitSeconds = 2 });

        var pinned = plan.Assignments.Single(a => a.Task == "t1");
        Assert.Equal(("a3", 4), (pinned.Agent, pinned.Start));
        Assert.NotNull(plan.Changes);
        Assert.Contains(plan.Score.Breakdown, t => t.Term == "changes");
    }

    [Fact]
    public async Task SolveNow_PinToUnknownAgent_IsRejectedNamingThePin()
    {
        var problem = Api.Problem(4);
        problem["baseline"] = new JsonObject
        {
            ["assignments"] = new JsonArray(new JsonObject { ["task"] = "t1", ["agent"] = "a9", ["start"] = 0, ["pinned"] = true }),
        };

        var refused = await Assert.ThrowsAsync<InvalidRequestException>(() => client.SolveAsync(new PlanRequest(problem) { TimeLimitSeconds = 2 }));

        Assert.Contains(refused.Errors, e => e.Item?.Contains("baseline task 't1'", StringComparison.Ordinal) is true || e.Message.Contains("baseline task 't1'", StringComparison.Ordinal));
    }

    /// <summary>The request's own "baseline" (a previous plan, as qplan solve --baseline reads it) replaces the problem's.</summary>
    [Fact]
    public async Task SolveNow_RequestBaseline_ReplacesTheProblemsOwnAndKeepsItsPin()
    {
        var problem = Api.Problem(6);
        problem["objective"] = new JsonObject { ["makespan"] = 1, ["changes"] = 5 };
        problem["baseline"] = new JsonObject
        {
            ["assignments"] = new JsonArray(new JsonObject { ["task"] = "t1", ["agent"] = "a1", ["start"] = 0, ["pinned"] = true }),
        };

        var plan = await client.SolveAsync(new PlanRequest(problem) { Backend = "localsearch", TimeLimitSeconds = 2, Baseline = PinT1OnA3At4() });

        var pinned = plan.Assignments.Single(a => a.Task == "t1");
        Assert.Equal(("a3", 4), (pinned.Agent, pinned.Start));
        Assert.NotNull(plan.Changes);
    }

    [Fact]
    public async Task SubmitJob_RequestBaseline_TheWorkerSolvesWithItsPin()
    {
        var id = (await client.SubmitAsync(new PlanRequest(Api.Problem(6)) { Backend = "greedy", TimeLimitSeconds = 2, Baseline = PinT1OnA3At4() })).Id;

        Assert.Equal("completed", (await client.WaitAsync(id, TimeSpan.FromSeconds(30))).Status);
        var pinned = (await client.GetResultAsync(id)).Assignments.Single(a => a.Task == "t1");
        Assert.Equal(("a3", 4), (pinned.Agent, pinned.Start));
    }

    [Fact]
    public async Task SubmitJob_RequestBaselineWithoutAssignmentsAndPinToUnknownAgent_IsInvalidRequestNamingEach()
    {
        var unknownAgent = new JsonObject
        {
            ["assignments"] = new JsonArray(new JsonObject { ["task"] = "t1", ["agent"] = "a9", ["start"] = 0, ["pinned"] = true }),
        };

        var noAssignments = await Assert.ThrowsAsync<InvalidRequestException>(() => client.SubmitAsync(new PlanRequest(Api.Problem(4)) { Baseline = new JsonObject { ["status"] = "feasible" } }));
        var badPin = await Assert.ThrowsAsync<InvalidRequestException>(() => client.SubmitAsync(new PlanRequest(Api.Problem(4)) { Baseline = unknownAgent }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, noAssignments.Status);
        Assert.Contains(noAssignments.Errors, e => e.Item?.StartsWith("$.baseline", StringComparison.Ordinal) is true);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badPin.Status);
        Assert.Contains("baseline task 't1'", badPin.Message, StringComparison.Ordinal);
    }

    private static JsonObject PinT1OnA3At4() => new()
    {
        ["status"] = "feasible",
        ["assignments"] = new JsonArray(
            new JsonObject { ["task"] = "t1", ["agent"] = "a3", ["start"] = 4, ["end"] = 6, ["pinned"] = true },
            new JsonObject { ["task"] = "t0", ["agent"] = "a2", ["start"] = 0, ["end"] = 1 }),
    };

    /// <summary>Reads the job until <paramref name="until"/> holds or <paramref name="timeout"/> runs out; the last view.</summary>
    private async Task<Job> WaitUntilAsync(Guid id, Func<Job, bool> until, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (true)
        {
            var job = await client.GetAsync(id);
            if (until(job) || DateTime.UtcNow > end)
            {
                return job;
            }

            await Task.Delay(50);
        }
    }
}

/// <summary>Graceful shutdown: a running job that cannot finish within the grace period goes back to the queue.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Shutdown_WithRunningJob_ReleasesItBackToTheQueue()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-service-tests", Guid.NewGuid().ToString("N"));
        Guid id;
        string key;
        var first = new TestService(new Dictionary<string, string?> { ["DataDir"] = dataDir, ["ShutdownGraceSeconds"] = "1", ["Workers"] = "1" });
        key = await first.CreateKeyAsync("acme");
        using (var client = first.ApiClient(key))
        {
            id = (await client.SubmitAsync(new PlanRequest(Api.Problem(300, "long")) { Backend = "localsearch", TimeLimitSeconds = 120 })).Id;
            var end = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while ((await client.GetAsync(id)).Status == "queued" && DateTime.UtcNow < end)
            {
                await Task.Delay(50);
            }

            Assert.Equal("running", (await client.GetAsync(id)).Status);
        }

        await first.DisposeAsync();

        await using var second = new TestService(new Dictionary<string, string?> { ["DataDir"] = dataDir, ["Workers"] = "0" });
        using var reader = second.ApiClient(key);
        Assert.Equal("queued", (await reader.GetAsync(id)).Status);
    }
}
