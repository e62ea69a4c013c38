using System.Net;
using System.Text.Json.Nodes;
using QuantumPlanner.Service.Tests;

namespace QuantumPlanner.Client.Tests;

/// <summary>The typed client against the real service in process (WebApplicationFactory, SQLite store, real workers).</summary>
public sealed class ClientTests : IAsyncLifetime
{
    private TestService service = null!;
    private QuantumPlannerClient client = null!;

    public async Task InitializeAsync()
    {
        service = new TestService();
        client = new QuantumPlannerClient(service.Client(), new QuantumPlannerClientOptions { ApiKey = await service.CreateKeyAsync("acme") });
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await service.DisposeAsync();
    }

    [Fact]
    public async Task SubmitWaitResult_ValidProblem_PlanAssignsEveryTask()
    {
        var job = await client.SubmitAsync(new PlanRequest(Api.Problem(6)) { TimeLimitSeconds = 5, Seed = 3 });
        Assert.Equal("auto", job.BackendRequested);
        Assert.Equal(3, job.Seed);

        var finished = await client.WaitAsync(job.Id, TimeSpan.FromSeconds(60));
        Assert.Equal("completed", finished.Status);
        Assert.True(finished.IsFinished);
        Assert.NotNull(finished.BackendUsed);

        var plan = await client.GetResultAsync(job.Id);
        Assert.Equal(6, plan.Assignments.Count);
        Assert.Equal(0, plan.Score.HardViolations);
        Assert.Equal(["t0", "t1", "t2", "t3", "t4", "t5"], plan.Assignments.Select(a => a.Task).Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<ConflictException>(() => client.CancelAsync(job.Id));
    }

    [Fact]
    public async Task GetProgressAsync_CompletedJob_ReturnsItsStoredCurveEndingAtThePlansObjective_AndNotToAnotherTenant()
    {
        var job = await client.SubmitAsync(new PlanRequest(Api.Problem(60)) { Backend = "localsearch", TimeLimitSeconds = 2, Seed = 4 });
        Assert.Equal("completed", (await client.WaitAsync(job.Id, TimeSpan.FromSeconds(60))).Status);
        var plan = await client.GetResultAsync(job.Id);

        var history = await client.GetProgressAsync(job.Id);

        Assert.Equal(job.Id, history.JobId);
        Assert.NotEmpty(history.Points);
        Assert.Equal(history.Points.OrderBy(p => p.ElapsedMs).ToList(), history.Points);
        Assert.True(history.Points[^1].Objective >= plan.Score.Objective - 1e-9, $"the curve ends at {history.Points[^1].Objective}, below the plan's {plan.Score.Objective}");
        using var other = new QuantumPlannerClient(service.Client(), new QuantumPlannerClientOptions { ApiKey = await service.CreateKeyAsync("globex") });
        await Assert.ThrowsAsync<NotFoundException>(() => other.GetProgressAsync(job.Id));
        await Assert.ThrowsAsync<NotFoundException>(() => client.GetProgressAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task ValidateAsync_ProblemWithIssues_AnswersThemWithLineAndColumn()
    {
        var report = await client.ValidateAsync("{\n  \"tasks\": [{ \"id\": \"t1\", \"dependsOn\": [\"ghost\"] }]\n}");

        Assert.False(report.Valid);
        var issue = Assert.Single(report.Issues);
        Assert.Contains("ghost", issue.Message, StringComparison.Ordinal);
        Assert.Contains("field-service.json", await client.ListExamplesAsync());
        Assert.Contains("\"drain-cleaning\"", await client.GetExampleAsync("field-service.json"), StringComparison.Ordinal);
        Assert.Equal(Core.Planning.PlanningSchemas.Problem, await client.GetSchemaAsync("problem.json"));
    }

    [Fact]
    public async Task PlanAsync_ProblemBuiltInCode_ReturnsFeasiblePlan()
    {
        var problem = new Core.Planning.PlanningProblem
        {
            Name = "typed",
            Agents = [new Core.Planning.Agent { Id = "a", Skills = ["x"] }],
            Tasks = [new Core.Planning.PlanningTask { Id = "first", RequiredSkills = ["x"], Duration = 2 }, new Core.Planning.PlanningTask { Id = "second", RequiredSkills = ["x"], Duration = 3, DependsOn = ["first"] }],
        };

        var plan = await client.PlanAsync(new PlanRequest(problem) { TimeLimitSeconds = 2 }, TimeSpan.FromSeconds(60));

        Assert.Contains(plan.Status, new[] { "optimal", "feasible" });
        var first = plan.Assignments.Single(a => a.Task == "first");
        var second = plan.Assignments.Single(a => a.Task == "second");
        Assert.True(second.Start >= first.End, $"second starts at {second.Start}, before first ends at {first.End}");
        Assert.Equal(5, plan.Metrics.Makespan);
    }

    [Fact]
    public async Task ExplainAsync_TypedProblemAndPlan_RescoresOnTheServiceAndFlagsABrokenDependency()
    {
        var problem = new Core.Planning.PlanningProblem
        {
            Name = "typed",
            Agents = [new Core.Planning.Agent { Id = "a", Skills = ["x"] }, new Core.Planning.Agent { Id = "b", Skills = ["x"] }],
            Tasks = [new Core.Planning.PlanningTask { Id = "first", RequiredSkills = ["x"], Duration = 2 }, new Core.Planning.PlanningTask { Id = "second", RequiredSkills = ["x"], Duration = 3, DependsOn = ["first"] }],
        };
        var solved = await client.SolveAsync(new PlanRequest(problem) { TimeLimitSeconds = 2 });
        var broken = new Core.Planning.Plan { Assignments = [new("first", "a", 0, 2), new("second", "b", 1, 4)] };

        var good = await client.ExplainAsync(problem, solved);
        var bad = await client.ExplainAsync(problem, broken);

        Assert.Equal(solved.Score.Objective, good.Objective, 6);
        Assert.Equal(0, good.HardViolations);
        Assert.Equal(["first", "second"], good.Tasks.Select(t => t.Task).Order(StringComparer.Ordinal));
        var violation = Assert.Single(bad.Violations);
        Assert.Equal("second", violation.Task);
        Assert.Equal(1, bad.HardViolations);
        Assert.Empty(bad.Changes);
    }

    [Fact]
    public async Task SubmitAsync_InvalidProblem_ThrowsInvalidRequestNamingEachIssue()
    {
        var problem = Api.Problem(2);
        problem["tasks"]!.AsArray()[0]!["requiredSkills"] = new JsonArray("welding");
        problem["tasks"]!.AsArray()[1]!["duration"] = -4;

        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => client.SubmitAsync(new PlanRequest(problem)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
        Assert.True(error.Errors.Count >= 2, error.Message);
        Assert.Contains(error.Errors, e => e.Item == "task 't1'" && e.Message.Contains("-4", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Message.Contains("welding", StringComparison.Ordinal));
        Assert.Contains("welding", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_OtherTenantsJob_ThrowsNotFound()
    {
        var job = await client.SubmitAsync(new PlanRequest(Api.Problem(2)));
        using var other = new QuantumPlannerClient(service.Client(), new QuantumPlannerClientOptions { ApiKey = await service.CreateKeyAsync("globex") });

        var error = await Assert.ThrowsAsync<NotFoundException>(() => other.GetAsync(job.Id));
        Assert.Equal(HttpStatusCode.NotFound, error.Status);
        Assert.Contains(job.Id.ToString(), error.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => other.CancelAsync(job.Id));
    }

    [Fact]
    public async Task AnyCall_WithoutKey_ThrowsUnauthorized()
    {
        using var anonymous = new QuantumPlannerClient(service.Client());

        var error = await Assert.ThrowsAsync<UnauthorizedException>(() => anonymous.GetBackendsAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
    }

    [Fact]
    public async Task CancelAsync_RunningJob_IsCancelledAndItsResultIsAConflict()
    {
        var job = await client.SubmitAsync(new PlanRequest(Api.Problem(300, "long")) { Backend = "localsearch", TimeLimitSeconds = 60 });

        var cancelled = await client.CancelAsync(job.Id);
        Assert.Equal("cancelled", cancelled.Status);
        Assert.Equal("cancelled", (await client.WaitAsync(job.Id, TimeSpan.FromSeconds(10))).Status);
        var conflict = await Assert.ThrowsAsync<ConflictException>(() => client.GetResultAsync(job.Id));
        Assert.Contains("cancelled", conflict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_WithLimit_PagesThroughEveryJobOnce()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await client.SubmitAsync(new PlanRequest(Api.Problem(2)) { Seed = 100 + i })).Id);
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await client.ListAsync(limit: 2, cursor: cursor);
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Select(j => j.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(ids.Order(), seen.Order());
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.ListAsync(status: "sleeping"));
    }

    [Fact]
    public async Task SolveAsync_SmallProblem_ReturnsPlanWithinTheRequest()
    {
        var plan = await client.SolveAsync(new PlanRequest(Api.Problem(4)) { Backend = "greedy", TimeLimitSeconds = 2 });

        Assert.Equal("greedy", plan.Backend);
        Assert.Equal(4, plan.Assignments.Count);
        await Assert.ThrowsAsync<InvalidRequestException>(() => client.SolveAsync(new PlanRequest(Api.Problem(2)) { TimeLimitSeconds = 3600 }));
    }

    [Fact]
    public async Task SolveQuboAsync_FrustratedTriangle_FindsAGroundState()
    {
        // x·y + y·z + x·z − x − y − z: the ground states set exactly one variable (energy −1).
        var model = JsonNode.Parse("""{"vartype":"BINARY","linear":{"x":-1,"y":-1,"z":-1},"quadratic":[["x","y",2],["y","z",2],["x","z",2]]}""")!.AsObject();

        var result = await client.SolveQuboAsync(new QuboRequest(model) { Seed = 5, Reads = 4, Sweeps = 50 });

        Assert.Equal(-1, result.Energy, 9);
        Assert.Equal(1, result.Sample.Values.Sum());
        Assert.Equal(3, result.Sample.Count);
    }

    [Fact]
    public async Task GetBackendsAsync_ListsThePlanningBackendsAndSamplers()
    {
        var backends = await client.GetBackendsAsync();

        Assert.Contains(backends.Backends, b => b.Name == "greedy" && b.Available);
        Assert.Contains(backends.Backends, b => b.Name == "cpsat");
        Assert.NotEmpty(backends.Samplers);
    }
}
