using System.Text.Json;

namespace QuantumPlanner.Core.Planning;

public static partial class PlanningJson
{
    /// <summary>
    /// Parses and, when it parsed cleanly, validates a problem: every issue a user would be told about, in one list.
    /// <see cref="ProblemParseResult.IsValid"/> is true only for a problem that may be solved.
    /// </summary>
    public static ProblemParseResult Check(string json, string source)
    {
        return Validated(ParseProblem(json, source));
    }

    /// <summary>As <see cref="Check(string, string)"/>, for an element of a document the caller parsed already (an MCP tool argument).</summary>
    public static ProblemParseResult Check(JsonElement element, string source) => Validated(ReadProblem(element, source));

    private static ProblemParseResult Validated(ProblemParseResult parsed) =>
        parsed.Problem is null || parsed.Issues.Count > 0 ? parsed : parsed with { Issues = ProblemValidator.Validate(parsed.Problem) };
}
