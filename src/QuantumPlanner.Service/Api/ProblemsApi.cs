using System.Text;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service.Mcp;

namespace QuantumPlanner.Service.Api;

/// <summary>
/// /api/v1/validate and /api/v1/examples: what an editor needs before it submits (the dashboard's submit page), so
/// that issues are shown with the line and column of the text the user typed.
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
        return group;
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
