using QuantumPlanner.Service.Security;

namespace QuantumPlanner.Service.Mcp;

/// <summary>/mcp: the MCP tools over streamable HTTP, stateless (any replica answers any request), API-key auth.</summary>
internal static class McpHttp
{
    public static IServiceCollection AddPlannerMcpHttp(this IServiceCollection services)
    {
        services.AddSingleton<IPlannerJobs, StoreJobs>();
        services.AddMcpServer(server => server.ServerInfo = new() { Name = PlannerMcp.ServerName, Version = typeof(McpHttp).Assembly.GetName().Version?.ToString() ?? "1.0" })
            .WithHttpTransport(http => http.Stateless = true)
            .WithPlanner();
        return services;
    }

    public static void MapPlannerMcp(this IEndpointRouteBuilder routes) =>
        routes.MapMcp("/mcp").RequireAuthorization().RequireRateLimiting(RateLimiting.Policy).WithTags("MCP");
}
