using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using QuantumPlanner.Service.Tests;

namespace QuantumPlanner.Client.Tests;

/// <summary>
/// qplan mcp --url: a qplan mcp child on stdio fronting a real service on a loopback port (Kestrel, SQLite), with the
/// key of tenant "acme"; a second child carries a key the service does not know.
/// </summary>
public sealed class RemoteStdioMcpFixture : McpServerFixture
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "qp-remote-mcp-tests", Guid.NewGuid().ToString("N"));
    private LoopbackService? service;

    public Uri Service { get; private set; } = null!;

    /// <summary>A qplan mcp --url child whose key the service refuses.</summary>
    public McpClient BadKey { get; private set; } = null!;

    /// <summary>The service over HTTP with a key of tenant "globex".</summary>
    public HttpClient Globex { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Directory.CreateDirectory(dataDir);
        service = await LoopbackService.StartAsync(dataDir);
        Service = service.Address;
        var acme = await service.CreateKeyAsync("acme");
        var globex = await service.CreateKeyAsync("globex");
        Globex = new HttpClient { BaseAddress = Service };
        Globex.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", globex);

        Client = await StartAsync(acme);
        BadKey = await StartAsync("qp_not_a_key");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await BadKey.DisposeAsync();
        Globex.Dispose();
        if (service is not null)
        {
            await service.DisposeAsync();
        }

        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; the temporary folder is cleaned eventually.
        }
    }

    private async Task<McpClient> StartAsync(string key) => await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
    {
        Name = "qplan-remote",
        Command = "dotnet",
        Arguments = [TestServices.QplanDll(), "mcp", "--url", Service.ToString(), "--api-key", key],
        // Nothing local to fall back on: every answer must come from the service.
        EnvironmentVariables = new Dictionary<string, string?> { ["QP_DB"] = string.Empty, ["QP_REDIS"] = string.Empty, ["QP_API_KEY"] = string.Empty },
    }));
}

/// <summary>The tool and resource contract through the remote service, plus what only the remote mode can get wrong.</summary>
public sealed class RemoteStdioMcpTests(RemoteStdioMcpFixture server) : McpContractTests(server), IClassFixture<RemoteStdioMcpFixture>
{
    [Fact]
    public async Task SubmitJob_RunsOnTheService_InTheKeysTenant()
    {
        var job = JsonNode.Parse(Text(await CallAsync("submit_job", new() { ["problem"] = SmallProblem(), ["timeLimitSeconds"] = 1 })))!;
        var id = job["id"]!.GetValue<string>();

        using var other = await server.Globex.GetAsync($"/api/v1/jobs/{id}");

        Assert.Equal("/api/v1/jobs/" + id, job["links"]!["self"]!.GetValue<string>());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task GetJob_OtherTenantsJob_IsNotFound()
    {
        using var submitted = await server.Globex.PostAsync("/api/v1/jobs", Api.Json(new JsonObject { ["problem"] = JsonNode.Parse(SmallProblem().GetRawText()) }));
        var id = (await submitted.ReadObjectAsync())["id"]!.GetValue<string>();

        var result = await Mcp.CallToolAsync("get_job", new Dictionary<string, object?> { ["jobId"] = id });

        Assert.True(result.IsError);
        Assert.Contains("was not found", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitJob_NegativeSeed_IsAToolErrorNamingTheServicesField()
    {
        var result = await Mcp.CallToolAsync("submit_job", new Dictionary<string, object?> { ["problem"] = SmallProblem(), ["seed"] = -1 });

        Assert.True(result.IsError);
        Assert.Contains("$.seed", Text(result), StringComparison.Ordinal);
        Assert.Contains(server.Service.ToString(), Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplainPlan_PlanOfAnotherProblem_IsTheServicesRefusalNamingEachAssignment()
    {
        var plan = JsonDocument.Parse("{\"assignments\": [{\"task\": \"ghost\", \"agent\": null, \"start\": 0, \"end\": 1}]}").RootElement.Clone();

        var result = await Mcp.CallToolAsync("explain_plan", new Dictionary<string, object?> { ["problem"] = SmallProblem(), ["plan"] = plan });

        Assert.True(result.IsError);
        Assert.Contains(server.Service + " refused the request (422", Text(result), StringComparison.Ordinal);
        Assert.Contains("$.plan.assignments[0].task", Text(result), StringComparison.Ordinal);
        Assert.Contains("'ghost'", Text(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryRemoteTool_WithARefusedKey_IsAToolErrorNamingTheKeyAndTheFix()
    {
        var calls = new (string Tool, Dictionary<string, object?> Arguments)[]
        {
            ("plan_tasks", new() { ["problem"] = SmallProblem() }),
            ("validate_problem", new() { ["problem"] = SmallProblem() }),
            ("submit_job", new() { ["problem"] = SmallProblem() }),
            ("get_job", new() { ["jobId"] = Guid.NewGuid().ToString() }),
            ("cancel_job", new() { ["jobId"] = Guid.NewGuid().ToString() }),
            ("list_backends", []),
            ("explain_plan", new() { ["problem"] = SmallProblem(), ["plan"] = JsonDocument.Parse("{\"assignments\": []}").RootElement.Clone() }),
        };

        foreach (var (tool, arguments) in calls)
        {
            var result = await server.BadKey.CallToolAsync(tool, arguments);

            Assert.True(result.IsError, $"{tool} with a refused key answered: {Text(result)}");
            Assert.Contains("refused the API key (401", Text(result), StringComparison.Ordinal);
            Assert.Contains("--api-key", Text(result), StringComparison.Ordinal);
        }
    }
}
