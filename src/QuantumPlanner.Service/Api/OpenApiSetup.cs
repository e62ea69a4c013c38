namespace QuantumPlanner.Service.Api;

/// <summary>The /openapi/v1.json document, adjusted to pass Redocly's minimal ruleset (tests/services/redocly.sh).</summary>
internal static class OpenApiSetup
{
    public static IServiceCollection AddPlannerOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(openapi => openapi.AddDocumentTransformer((document, _, _) =>
        {
            // The generator writes the request's base address as "http://host:port/"; joined with the "/api/v1/..."
            // paths that doubles the slash (Redocly: no-server-trailing-slash).
            foreach (var server in document.Servers ?? [])
            {
                if (server.Url is { Length: > 1 } url && url.EndsWith('/'))
                {
                    server.Url = url.TrimEnd('/');
                }
            }

            return Task.CompletedTask;
        }));
}
