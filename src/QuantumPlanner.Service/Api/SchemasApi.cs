using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Service.Api;

/// <summary>/schemas/problem.json and /schemas/plan.json: the published JSON Schemas, open like /openapi/v1.json.</summary>
internal static class SchemasApi
{
    public static IEndpointRouteBuilder MapSchemasApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/schemas/{name}", (string name) => PlanningSchemas.Find(name) is { } schema
                ? Results.Text(schema, "application/schema+json")
                : ApiProblems.NotFound($"Schema '{name}' (there are {PlanningSchemas.ProblemName} and {PlanningSchemas.PlanName})"))
            .WithTags("Schemas").WithName("GetSchema").WithSummary("JSON Schema (draft 2020-12) of the problem or plan document.");
        return routes;
    }
}
