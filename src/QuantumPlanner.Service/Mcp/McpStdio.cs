using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Solving;

namespace QuantumPlanner.Service.Mcp;

/// <summary>
/// <c>qplan mcp</c>: the MCP tools over stdin/stdout for an agent framework that starts the server itself. Jobs live in
/// this process (<see cref="LocalJobs"/>); stdout carries only protocol messages, logs go to stderr.
/// </summary>
public static class McpStdio
{
    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        // No request to bound here: plan_tasks may use as long as a job may.
        builder.Services.AddOptions<QuantumPlannerOptions>().Configure(options => options.SyncMaxTimeLimitSeconds = options.MaxTimeLimitSeconds);
        builder.Services.AddSingleton<PlanningEngine>();
        builder.Services.AddSingleton<IPlannerJobs, LocalJobs>();
        builder.Services.AddMcpServer(server => server.ServerInfo = new() { Name = PlannerMcp.ServerName, Version = typeof(McpStdio).Assembly.GetName().Version?.ToString() ?? "1.0" })
            .WithStdioServerTransport()
            .WithPlanner();
        using var host = builder.Build();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
