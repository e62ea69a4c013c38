using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Service.Mcp;

/// <summary>
/// Registers the planner's MCP tools and resources on a server builder, for both transports. The tools' input schemas
/// carry the published problem and plan schemas, so an agent framework sees the full shape of a problem.
/// </summary>
public static class PlannerMcp
{
    public const string ServerName = "quantum-planner";

    public const string SchemaUriPrefix = "qplan://schemas/";

    public static IMcpServerBuilder WithPlanner(this IMcpServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTransient<PlannerTools>();
        // The local pipeline unless the host chose another planner first (qplan mcp --url: RemotePlanner).
        builder.Services.TryAddSingleton<IPlanner, LocalPlanner>();
        return builder.WithTools(Tools()).WithResources(Resources());
    }

    private static List<McpServerTool> Tools()
    {
        var tools = new List<McpServerTool>();
        foreach (var method in typeof(PlannerTools).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<McpServerToolAttribute>() is null)
            {
                continue;
            }

            var tool = McpServerTool.Create(method, context => context.Services!.GetRequiredService<PlannerTools>());
            tool.ProtocolTool.InputSchema = WithDocumentSchemas(tool.ProtocolTool.InputSchema);
            tools.Add(tool);
        }

        return tools;
    }

    /// <summary>Puts the problem and plan schemas in place of the open "problem" and "plan" parameters.</summary>
    private static JsonElement WithDocumentSchemas(JsonElement inputSchema)
    {
        var schema = JsonNode.Parse(inputSchema.GetRawText())!.AsObject();
        if (schema["properties"] is not JsonObject properties)
        {
            return inputSchema;
        }

        foreach (var (parameter, document) in new[] { ("problem", PlanningSchemas.Problem), ("plan", PlanningSchemas.Plan) })
        {
            if (properties[parameter] is not JsonObject open)
            {
                continue;
            }

            var described = JsonNode.Parse(document)!.AsObject();
            described.Remove("$schema");
            described.Remove("$id");
            // The documents' references point at "#/$defs/..."; moved to the root they still resolve. A tool with both
            // (explain_plan) gets the union, so one document's definitions never replace the other's.
            if (described["$defs"] is JsonObject definitions)
            {
                described.Remove("$defs");
                var root = schema["$defs"] as JsonObject ?? [];
                foreach (var (name, definition) in definitions.ToList())
                {
                    definitions.Remove(name);
                    root[name] = definition;
                }

                schema["$defs"] = root;
            }

            if (open["description"] is { } description)
            {
                described["description"] = description.DeepClone();
            }

            properties[parameter] = described;
        }

        return JsonSerializer.SerializeToElement(schema);
    }

    private static List<McpServerResource> Resources()
    {
        var resources = new List<McpServerResource>();
        foreach (var (name, _) in PlannerExamples.All)
        {
            resources.Add(McpServerResource.Create(Read(PlannerExamples.UriPrefix + name), new McpServerResourceCreateOptions
            {
                UriTemplate = PlannerExamples.UriPrefix + name,
                Name = "example " + Path.GetFileNameWithoutExtension(name),
                Description = $"Example planning problem {name} from the examples folder: pass it to plan_tasks as the problem.",
                MimeType = "application/json",
            }));
        }

        foreach (var name in new[] { PlanningSchemas.ProblemName, PlanningSchemas.PlanName })
        {
            resources.Add(McpServerResource.Create(Read(SchemaUriPrefix + name), new McpServerResourceCreateOptions
            {
                UriTemplate = SchemaUriPrefix + name,
                Name = "schema " + Path.GetFileNameWithoutExtension(name),
                Description = $"JSON Schema (draft 2020-12) of the {Path.GetFileNameWithoutExtension(name)} document.",
                MimeType = "application/schema+json",
            }));
        }

        return resources;
    }

    /// <summary>A resource's reader: its text from the planner behind the tools (this build's files, or the remote service's).</summary>
    private static Func<RequestContext<ReadResourceRequestParams>, CancellationToken, Task<string>> Read(string uri) =>
        (context, cancellationToken) => context.Services!.GetRequiredService<IPlanner>().ReadResourceAsync(uri, cancellationToken);
}
