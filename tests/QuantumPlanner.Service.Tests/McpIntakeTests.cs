using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Mcp;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Storage.Caching;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// MCP's submit_job reads the problem element the SDK parsed through the jobs intake directly: no body is written and
/// parsed again, so the stored problem is the agent's own text and its hash is of that text.
/// </summary>
public sealed class McpIntakeTests : IDisposable
{
    private readonly PlanningEngine engine = new();
    private readonly CapturingJobs jobs;
    private readonly LocalPlanner planner;

    public McpIntakeTests()
    {
        jobs = new CapturingJobs(new LocalJobs(engine));
        planner = new LocalPlanner(engine, jobs, Options.Create(new QuantumPlannerOptions()));
    }

    [Fact]
    public async Task SubmitJob_ProblemElement_IsStoredAsTheAgentsOwnTextWithItsHash()
    {
        // Spacing a re-serialised copy would lose: a body written from the element and parsed again holds it compact.
        const string text = """
            { "name" : "spaced",
              "agents": [ { "id": "a1" } ],
              "tasks":  [ { "id": "t1", "duration": 2 } ] }
            """;
        using var document = JsonDocument.Parse(text);

        await planner.SubmitAsync(null, new PlanArguments(document.RootElement, 5, "greedy", 3), "retry-1", CancellationToken.None);

        var request = Assert.Single(jobs.Submitted);
        Assert.Equal(text, request.ProblemJson);
        Assert.NotNull(request.Intake);
        Assert.Equal(CacheKey.ProblemHash(text), request.Intake.ProblemHash);
        Assert.Equal(("greedy", 5, 3L, "retry-1"), (request.Backend, request.TimeLimitSeconds, request.Seed, request.IdempotencyKey));
        Assert.Equal(1, request.TaskCount);
    }

    [Fact]
    public async Task SubmitJob_NoOptionalArguments_TakesTheJobsRoutesDefaults()
    {
        using var document = JsonDocument.Parse("""{ "agents": [ { "id": "a1" } ], "tasks": [ { "id": "t1", "duration": 2 } ] }""");

        await planner.SubmitAsync(null, new PlanArguments(document.RootElement, null, null, null), null, CancellationToken.None);

        var request = Assert.Single(jobs.Submitted);
        var defaults = new QuantumPlannerOptions();
        Assert.Equal(("auto", defaults.DefaultTimeLimitSeconds, 1L), (request.Backend, request.TimeLimitSeconds, request.Seed));
    }

    [Theory]
    [InlineData("\"not an object\"", 5.0, 1L, "$.problem")]
    [InlineData("{}", double.NaN, 1L, "$.timeLimitSeconds")]
    [InlineData("{}", -2.0, 1L, "$.timeLimitSeconds")]
    [InlineData("{}", 5.0, -1L, "$.seed")]
    public async Task SubmitJob_WrongField_IsAToolErrorNamingIt(string problem, double seconds, long seed, string field)
    {
        using var document = JsonDocument.Parse(problem);

        var error = await Assert.ThrowsAsync<McpToolException>(() => planner.SubmitAsync(null, new PlanArguments(document.RootElement, seconds, null, seed), null, CancellationToken.None));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Contains("Maybe", error.Message, StringComparison.Ordinal);
        Assert.Empty(jobs.Submitted);
    }

    [Fact]
    public async Task SubmitJob_TimeLimitBeyondIntRange_IsRefusedByTheLimitNotWrappedAround()
    {
        using var document = JsonDocument.Parse("""{ "agents": [ { "id": "a1" } ], "tasks": [ { "id": "t1", "duration": 2 } ] }""");

        var error = await Assert.ThrowsAsync<McpToolException>(() => planner.SubmitAsync(null, new PlanArguments(document.RootElement, 1e300, null, null), null, CancellationToken.None));

        Assert.Contains(nameof(QuantumPlannerOptions.MaxTimeLimitSeconds), error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => jobs.Dispose();

    /// <summary>The stdio server's in-process jobs, recording each request they are handed.</summary>
    private sealed class CapturingJobs(LocalJobs inner) : IPlannerJobs, IDisposable
    {
        public List<McpJobRequest> Submitted { get; } = [];

        public Task<QuantumPlanner.Client.Job> SubmitAsync(ClaimsPrincipal? user, McpJobRequest request, CancellationToken cancellationToken)
        {
            Submitted.Add(request);
            return inner.SubmitAsync(user, request, cancellationToken);
        }

        public Task<(QuantumPlanner.Client.Job Job, string? PlanJson)?> GetAsync(ClaimsPrincipal? user, Guid id, TimeSpan wait, CancellationToken cancellationToken) =>
            inner.GetAsync(user, id, wait, cancellationToken);

        public Task<QuantumPlanner.Client.Job?> CancelAsync(ClaimsPrincipal? user, Guid id, CancellationToken cancellationToken) =>
            inner.CancelAsync(user, id, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}
