using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Mcp;
using QuantumPlanner.Service.Solving;

namespace QuantumPlanner.Service.Api;

/// <summary>
/// /api/v1/validate and /api/v1/examples: what an editor needs before it submits (the dashboard's submit page), so
/// that issues are shown with the line and column of the text the user typed; /api/v1/explain: why a plan scores what
/// it scores, without a solve.
/// </summary>
internal static class ProblemsApi
{
    public static RouteGroupBuilder MapProblemsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Problems");
        group.MapPost("/validate", ValidateAsync).WithName("ValidateProblem")
            .WithSummary("Check a problem document (the body is the problem itself, not a job request) without solving it; every issue with line and column where known.");
        group.MapGet("/examples", () => Results.Ok(new ExampleList([.. PlannerExamples.All.Select(e => e.Name)])))
            .WithName("ListExamples").WithSummary("File names of the example problems.");
        group.MapGet("/examples/{name}", (string name) => PlannerExamples.All.FirstOrDefault(e => e.Name == name) is { Json: { } json }
                ? Results.Text(json, "application/json", Encoding.UTF8)
                : ApiProblems.NotFound($"Example '{name}' (there are {string.Join(", ", PlannerExamples.All.Select(e => e.Name))})"))
            .WithName("GetExample").WithSummary("One example problem, as its file holds it.");
        group.MapPost("/explain", ExplainAsync).WithName("ExplainPlan")
            .WithSummary("Rescore a plan against its problem (body: { problem, plan }) and explain it: objective per term, hard violations, per-task and per-agent shares, changes against the baseline.");
        return group;
    }

    private static async Task<IResult> ExplainAsync(HttpRequest request, PlanningEngine engine, IOptions<QuantumPlannerOptions> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (document, error) = await ProblemRequestReader.ReadJsonAsync(request, settings.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return error!;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ApiProblems.BadRequest($"The body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object. Maybe {{\"problem\": {{...}}, \"plan\": {{\"assignments\": [...]}}}}.");
            }

            var shape = new List<ApiError>();
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("problem" or "plan"))
                {
                    shape.Add(new ApiError("unknown-property", $"$.{property.Name}", $"Unknown property '{property.Name}'.", "Maybe one of problem, plan."));
                }
            }

            foreach (var name in new[] { "problem", "plan" })
            {
                if (!root.TryGetProperty(name, out _))
                {
                    shape.Add(new ApiError("missing", "$." + name, $"The body has no \"{name}\".", "Maybe {\"problem\": {...}, \"plan\": {\"assignments\": [...]}}, the plan as a solve returned it."));
                }
            }

            if (shape.Count > 0)
            {
                return ApiProblems.BadRequest($"The request has {shape.Count} error(s); each is listed in \"errors\".", shape);
            }

            var (explain, rejection) = ProblemRequestReader.ReadExplain(root.GetProperty("problem"), root.GetProperty("plan"), settings, engine);
            return explain is null ? rejection!.ToResult() : Results.Ok(explain.Explain());
        }
    }

    private static async Task<IResult> ValidateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // The raw text, not a parsed body: line and column must count from what the editor shows.
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var result = PlanningJson.Check(text, "problem");
        return Results.Ok(ValidationReport.Of(result));
    }

    /// <summary>What a validation answers, here and in the MCP tool validate_problem.</summary>
    public sealed record ValidationReport(bool Valid, int? Tasks, int? Agents, IReadOnlyList<ValidationIssue> Issues)
    {
        public static ValidationReport Of(ProblemParseResult result) =>
            new(result.IsValid, result.Problem?.Tasks.Count, result.Problem?.Agents.Count, result.Issues);
    }

    public sealed record ExampleList(IReadOnlyList<string> Examples);
}
