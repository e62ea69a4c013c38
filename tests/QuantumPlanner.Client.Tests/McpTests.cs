using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service.Tests;

namespace QuantumPlanner.Client.Tests;

/// <summary>One MCP server to talk to through the SDK's own client: stdio (a qplan mcp child) or /mcp over HTTP.</summary>
public abstract class McpServerFixture : IAsyncLifetime
{
    public McpClient Client { get; protected set; } = null!;

    public abstract Task InitializeAsync();

    public virtual async Task DisposeAsync() => await Client.DisposeAsync();
}

public sealed class StdioMcpFixture : McpServerFixture
{
    public override async Task InitializeAsync()
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "qplan",
            Command = "dotnet",
            Arguments = [TestServices.QplanDll(), "mcp"],
            EnvironmentVariables = new Dictionary<string, string?> { ["QP_DB"] = string.Empty, ["QP_REDIS"] = string.Empty },
        });
        Client = await McpClient.CreateAsync(transport);
    }
}

public sealed class HttpMcpFixture : McpServerFixture
{
    private TestService service = null!;
    private HttpClient http = null!;

    public McpClient OtherTenant { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        service = new TestService();
        http = service.Client();
        Anonymous = service.Client();
        Client = await ConnectAsync(await service.CreateKeyAsync("acme"));
        OtherTenant = await ConnectAsync(await service.CreateKeyAsync("globex"));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await OtherTenant.DisposeAsync();
        http.Dispose();
        Anonymous.Dispose();
        await service.DisposeAsync();
    }

    private async Task<McpClient> ConnectAsync(string key) => await McpClient.CreateAsync(new HttpClientTransport(
        new HttpClientTransportOptions
        {
            Endpoint = new Uri(http.BaseAddress!, "/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
        },
        http,
        ownsHttpClient: false));
}

/// <summary>The tool and resource contract, run over both transports.</summary>
public abstract class McpContractTests(McpServerFixture server)
{
    protected McpClient Mcp => server.Client;

    [Fact]
    public async Task ListTools_OffersTheSevenToolsWithTheProblemSchemaAsInput()
    {
        var tools = await Mcp.ListToolsAsync();

        Assert.Equal(
            ["cancel_job", "explain_plan", "get_job", "list_backends", "plan_tasks", "submit_job", "validate_problem"],
            tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        var input = tools.Single(t => t.Name == "plan_tasks").ProtocolTool.InputSchema;
        Assert.Contains("problem", input.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var problem = input.GetProperty("properties").GetProperty("problem");
        Assert.Equal("#/$defs/task", problem.GetProperty("properties").GetProperty("tasks").GetProperty("items").GetProperty("$ref").GetString());
        Assert.True(input.GetProperty("$defs").TryGetProperty("task", out _));

        // explain_plan carries both documents: the plan's shape beside the problem's definitions.
        var explain = tools.Single(t => t.Name == "explain_plan").ProtocolTool.InputSchema;
        Assert.True(explain.GetProperty("properties").GetProperty("plan").GetProperty("properties").TryGetProperty("assignments", out _));
        Assert.Equal("#/$defs/task", explain.GetProperty("properties").GetProperty("problem").GetProperty("properties").GetProperty("tasks").GetProperty("items").GetProperty("$ref").GetString());
        Assert.True(explain.GetProperty("$defs").TryGetProperty("task", out _));
    }

    [Fact]
    public async Task Resources_ListEveryExampleAndTheSchemas_AndReadThem()
    {
        var resources = await Mcp.ListResourcesAsync();
        var uris = resources.Select(r => r.Uri).ToList();

        Assert.Contains("qplan://examples/field-service.json", uris);
        Assert.Contains("qplan://schemas/problem.json", uris);
        Assert.Equal(Directory.GetFiles(Path.Combine(TestServices.RepositoryRoot(), "examples"), "*.json").Length, uris.Count(u => u.StartsWith("qplan://examples/", StringComparison.Ordinal)));
        Assert.Equal(PlanningSchemas.Problem, await ReadAsync("qplan://schemas/problem.json"));
        Assert.Equal(File.ReadAllText(Path.Combine(TestServices.RepositoryRoot(), "examples", "field-service.json")), await ReadAsync("qplan://examples/field-service.json"));
    }

    [Fact]
    public async Task PlanTasks_ExampleFromResources_ReturnsFeasiblePlanThatExplainPlanScoresTheSame()
    {
        var problem = JsonDocument.Parse(await ReadAsync("qplan://examples/software-sprint.json")).RootElement.Clone();

        var result = await CallAsync("plan_tasks", new() { ["problem"] = problem, ["timeLimitSeconds"] = 1, ["seed"] = 2 });

        var plan = PlanningJson.DeserializePlan(Text(result));
        Assert.Contains(plan.Status, new[] { "optimal", "feasible" });
        Assert.Equal(problem.GetProperty("tasks").GetArrayLength(), plan.Assignments.Count + plan.Unassigned.Count);

        var explained = JsonNode.Parse(Text(await CallAsync("explain_plan", new() { ["problem"] = problem, ["plan"] = JsonDocument.Parse(Text(result)).RootElement.Clone() })))!;
        Assert.Equal(0, explained["hardViolations"]!.GetValue<int>());
        Assert.Equal(plan.Score.Objective, explained["objective"]!.GetValue<double>(), 6);
        Assert.Equal(plan.Assignments.Count, explained["tasks"]!.AsArray().Count);
    }

    [Fact]
    public async Task ExplainPlan_PlanNamingAnUnknownAgent_IsAToolErrorNamingTheAssignment()
    {
        var plan = JsonSerializer.SerializeToElement(new { assignments = new object[] { new { task = "t1", agent = "a1", start = 0, end = 2 }, new { task = "t2", agent = "zed", start = 0, end = 1 } } });

        var result = await Mcp.CallToolAsync("explain_plan", new Dictionary<string, object?> { ["problem"] = SmallProblem(), ["plan"] = plan });

        Assert.True(result.IsError);
        Assert.Contains("$.plan.assignments[1].agent", Text(result), StringComparison.Ordinal);
        Assert.Contains("'zed'", Text(result), StringComparison.Ordinal);
        Assert.DoesNotContain("assignments[0]", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanTasks_InvalidProblem_IsAToolErrorNamingEachIssue()
    {
        var problem = JsonSerializer.SerializeToElement(new
        {
            agents = new[] { new { id = "a1", skills = new[] { "x" } } },
            tasks = new object[] { new { id = "t1", requiredSkills = new[] { "welding" } }, new { id = "t2", duration = -4 } },
        });

        var result = await Mcp.CallToolAsync("plan_tasks", new Dictionary<string, object?> { ["problem"] = problem, ["backend"] = "teleport" });

        Assert.True(result.IsError);
        var text = Text(result);
        Assert.Contains("3 issue(s)", text, StringComparison.Ordinal);
        Assert.Contains("task 't1'", text, StringComparison.Ordinal);
        Assert.Contains("welding", text, StringComparison.Ordinal);
        Assert.Contains("task 't2'", text, StringComparison.Ordinal);
        Assert.Contains("-4", text, StringComparison.Ordinal);
        Assert.Contains("'teleport' is unknown", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateProblem_InvalidProblem_ListsIssuesWithoutFailingTheCall()
    {
        var problem = JsonSerializer.SerializeToElement(new { tasks = new object[] { new { id = "t1", dependsOn = new[] { "ghost" } } } });

        var answer = JsonNode.Parse(Text(await CallAsync("validate_problem", new() { ["problem"] = problem })))!;

        Assert.False(answer["valid"]!.GetValue<bool>());
        var issue = Assert.Single(answer["issues"]!.AsArray());
        Assert.Contains("ghost", issue!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitJob_ThenGetJobWithWait_CompletesWithThePlan()
    {
        var job = JsonNode.Parse(Text(await CallAsync("submit_job", new() { ["problem"] = SmallProblem(), ["timeLimitSeconds"] = 2 })))!;
        var id = job["id"]!.GetValue<string>();

        JsonNode done;
        var attempts = 0;
        do
        {
            done = JsonNode.Parse(Text(await CallAsync("get_job", new() { ["jobId"] = id, ["waitSeconds"] = 20 })))!;
        }
        while (done["status"]!.GetValue<string>() is "queued" or "running" && ++attempts < 5);

        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.Equal(3, done["plan"]!["assignments"]!.AsArray().Count);
    }

    [Fact]
    public async Task CancelJob_RunningJob_IsCancelled()
    {
        var tasks = Enumerable.Range(0, 300).Select(i => new { id = $"t{i}", requiredSkills = new[] { "x" }, duration = 1 + (i % 5) }).ToArray();
        var problem = JsonSerializer.SerializeToElement(new { agents = new[] { new { id = "a1", skills = new[] { "x" } }, new { id = "a2", skills = new[] { "x" } } }, tasks });
        var job = JsonNode.Parse(Text(await CallAsync("submit_job", new() { ["problem"] = problem, ["timeLimitSeconds"] = 60, ["backend"] = "localsearch" })))!;

        var cancelled = JsonNode.Parse(Text(await CallAsync("cancel_job", new() { ["jobId"] = job["id"]!.GetValue<string>() })))!;

        Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetJob_UnknownOrMalformedId_IsAToolError()
    {
        var unknown = await Mcp.CallToolAsync("get_job", new Dictionary<string, object?> { ["jobId"] = Guid.NewGuid().ToString() });
        var malformed = await Mcp.CallToolAsync("get_job", new Dictionary<string, object?> { ["jobId"] = "job-1" });

        Assert.True(unknown.IsError);
        Assert.Contains("was not found", Text(unknown), StringComparison.Ordinal);
        Assert.True(malformed.IsError);
        Assert.Contains("'job-1' is not a job id", Text(malformed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListBackends_NamesThePlanningBackends()
    {
        var answer = JsonNode.Parse(Text(await CallAsync("list_backends", [])))!;

        var names = answer["backends"]!.AsArray().Select(b => b!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("greedy", names);
        Assert.Contains("cpsat", names);
    }

    protected static JsonElement SmallProblem() => JsonSerializer.SerializeToElement(new
    {
        agents = new[] { new { id = "a1", skills = new[] { "x" } }, new { id = "a2", skills = new[] { "x" } } },
        tasks = new object[] { new { id = "t1", requiredSkills = new[] { "x" }, duration = 2 }, new { id = "t2", requiredSkills = new[] { "x" } }, new { id = "t3", dependsOn = new[] { "t1" }, requiredSkills = new[] { "x" } } },
    });

    protected static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    protected async Task<CallToolResult> CallAsync(string tool, Dictionary<string, object?> arguments)
    {
        var result = await Mcp.CallToolAsync(tool, arguments);
        Assert.False(result.IsError is true, $"{tool} answered an error: {Text(result)}");
        return result;
    }

    private async Task<string> ReadAsync(string uri)
    {
        var read = await Mcp.ReadResourceAsync(uri);
        return Assert.IsType<TextResourceContents>(Assert.Single(read.Contents)).Text;
    }
}

public sealed class StdioMcpTests(StdioMcpFixture server) : McpContractTests(server), IClassFixture<StdioMcpFixture>;

public sealed class HttpMcpTests(HttpMcpFixture server) : McpContractTests(server), IClassFixture<HttpMcpFixture>
{
    [Fact]
    public async Task GetJob_OtherTenantsJob_IsNotFound()
    {
        var job = JsonNode.Parse(Text(await CallAsync("submit_job", new() { ["problem"] = SmallProblem() })))!;

        var other = await server.OtherTenant.CallToolAsync("get_job", new Dictionary<string, object?> { ["jobId"] = job["id"]!.GetValue<string>() });

        Assert.True(other.IsError);
        Assert.Contains("was not found", Text(other), StringComparison.Ordinal);
    }

    /// <summary>submit_job goes through the jobs intake of POST /api/v1/jobs, so the idempotency key holds across both.</summary>
    [Fact]
    public async Task SubmitJob_IdempotencyKeyReused_ReturnsTheFirstJobAndRefusesAnotherSeedNamingTheKey()
    {
        var key = "mcp-" + Guid.NewGuid().ToString("N");

        var first = JsonNode.Parse(Text(await CallAsync("submit_job", new() { ["problem"] = SmallProblem(), ["idempotencyKey"] = key })))!;
        var again = JsonNode.Parse(Text(await CallAsync("submit_job", new() { ["problem"] = SmallProblem(), ["idempotencyKey"] = key })))!;
        var changed = await Mcp.CallToolAsync("submit_job", new Dictionary<string, object?> { ["problem"] = SmallProblem(), ["idempotencyKey"] = key, ["seed"] = 9 });

        Assert.Equal(first["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
        Assert.True(changed.IsError);
        Assert.Contains(key, Text(changed), StringComparison.Ordinal);
        Assert.Contains("seed", Text(changed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitJob_NegativeSeedOrUnknownBackend_IsAToolErrorNamingTheFieldAsTheJobsRouteDoes()
    {
        var seed = await Mcp.CallToolAsync("submit_job", new Dictionary<string, object?> { ["problem"] = SmallProblem(), ["seed"] = -1 });
        var backend = await Mcp.CallToolAsync("submit_job", new Dictionary<string, object?> { ["problem"] = SmallProblem(), ["backend"] = "teleport" });

        Assert.True(seed.IsError);
        Assert.Contains("$.seed", Text(seed), StringComparison.Ordinal);
        Assert.True(backend.IsError);
        Assert.Contains("$.backend", Text(backend), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mcp_WithoutKey_Answers401()
    {
        using var response = await server.Anonymous.PostAsync("/mcp", new StringContent("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
