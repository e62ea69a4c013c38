using QuantumPlanner.Client;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Solving;

namespace QuantumPlanner.Service.Mcp;

/// <summary>
/// <c>qplan mcp</c>: the MCP tools over stdin/stdout for an agent framework that starts the server itself. Jobs live in
/// this process (<see cref="LocalJobs"/>), or, given a service URL, the tools front that running
/// service through QuantumPlanner.Client (<see cref="RemotePlanner"/>). stdout carries only protocol messages, logs go
/// to stderr.
/// </summary>
public static class McpStdio
{
    public static async Task RunAsync(CancellationToken cancellationToken) => await RunAsync(null, null, cancellationToken).ConfigureAwait(false);

    /// <param name="service">The service root (http://host:port/); null solves in this process.</param>
    /// <param name="apiKey">The key the remote calls carry (its tenant's view); null sends none.</param>
    /// <param name="cancellationToken">Stops the server.</param>
    public static async Task RunAsync(Uri? service, string? apiKey, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // No request to bound here: plan_tasks may use as long as a job may.
        builder.Services.AddOptions<QuantumPlannerOptions>().Configure(options => options.SyncMaxTimeLimitSeconds = options.MaxTimeLimitSeconds);
        builder.Services.AddSingleton<PlanningEngine>();
        builder.Services.AddSingleton<IPlannerJobs, LocalJobs>();
        if (service is not null)
        {
            builder.Services.AddSingleton(_ => new QuantumPlannerClient(service, new QuantumPlannerClientOptions { ApiKey = apiKey }));
            builder.Services.AddSingleton<IPlanner>(services => new RemotePlanner(services.GetRequiredService<QuantumPlannerClient>(), service));
        }

        builder.Services.AddMcpServer(server => server.ServerInfo = new() { Name = PlannerMcp.ServerName, Version = typeof(McpStdio).Assembly.GetName().Version?.ToString() ?? "1.0" })
            .WithStdioServerTransport()
            .WithPlanner();
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
