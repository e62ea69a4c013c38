using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantumPlanner.Core.Planning;

/// <summary>
/// Reads and writes planning problems and plans as JSON (DESIGN.md §3–§4, camelCase).
/// Parsing reports every syntax and shape issue with its JSON path, line and column; unknown property names are
/// errors (a misspelt "dependson" would otherwise silently drop a constraint), with the nearest known name suggested.
/// </summary>
public static partial class PlanningJson
{
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    private static readonly JsonSerializerOptions ReadOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Parses a problem; <paramref name="source"/> (a file name or "request") prefixes messages.</summary>
    public static ProblemParseResult ParseProblem(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        source ??= "input";
        var bytes = Encoding.UTF8.GetBytes(json);
        if (Document(bytes, source, out var syntax) is not { } document)
        {
            return new ProblemParseResult(null, [syntax!]);
        }

        using (document)
        {
            var reader = new ProblemReader(source, JsonPositionIndex.Deferred(() => bytes));
            var problem = reader.Read(document.RootElement);
            return new ProblemParseResult(problem, reader.Issues);
        }
    }

    /// <summary>
    /// Reads a problem from an element of a document the caller parsed already (e.g. the "problem" property of a
    /// request body), so the text is not parsed a second time. Line and column in issues count from the element's
    /// own text. The element must stay alive (its document undisposed) during the call.
    /// </summary>
    public static ProblemParseResult ReadProblem(JsonElement element, string source)
    {
        source ??= "input";
        var reader = new ProblemReader(source, JsonPositionIndex.Deferred(() => Encoding.UTF8.GetBytes(element.GetRawText())));
        var problem = reader.Read(element);
        return new ProblemParseResult(problem, reader.Issues);
    }

    /// <summary>
    /// Parses a baseline on its own: a plan file (its assignments, each optionally "pinned"), read by the same rules as
    /// a problem's "baseline" field, so <c>qplan solve --baseline PLAN.json</c> and the field agree.
    /// </summary>
    public static (PlanBaseline? Baseline, IReadOnlyList<ValidationIssue> Issues) ParseBaseline(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        source ??= "input";
        var bytes = Encoding.UTF8.GetBytes(json);
        if (Document(bytes, source, out var syntax) is not { } document)
        {
            return (null, [syntax!]);
        }

        using (document)
        {
            var reader = new ProblemReader(source, JsonPositionIndex.Deferred(() => bytes));
            var baseline = reader.ReadBaseline(document.RootElement, "$");
            return (baseline, reader.Issues);
        }
    }

    /// <summary>
    /// Reads a baseline from an element of a document the caller parsed already (the "baseline" property of a request
    /// body), by the same rules as <see cref="ParseBaseline"/>; issues name <paramref name="path"/>.
    /// </summary>
    public static (PlanBaseline? Baseline, IReadOnlyList<ValidationIssue> Issues) ReadBaseline(JsonElement element, string source, string path)
    {
        source ??= "input";
        var reader = new ProblemReader(source, JsonPositionIndex.Deferred(() => Encoding.UTF8.GetBytes(element.GetRawText())));
        var baseline = reader.ReadBaseline(element, path);
        return (baseline, reader.Issues);
    }

    private static JsonDocument? Document(byte[] bytes, string source, out ValidationIssue? syntax)
    {
        syntax = null;
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }

            syntax = new ValidationIssue(
                "json-syntax",
                $"{source}:{line}:{column}",
                $"JSON syntax error at line {line}, column {column}: {message}",
                "Maybe a comma, quote or bracket is missing or extra just before this point.")
            { Line = line, Column = column };
            return null;
        }
    }

    public static string Serialize(Plan plan) => JsonSerializer.Serialize(plan, WriteOptions);

    public static string Serialize(PlanningProblem problem) => JsonSerializer.Serialize(problem, WriteOptions);

    /// <summary>Reads a plan written by <see cref="Serialize(Plan)"/> (for stored results).</summary>
    public static Plan DeserializePlan(string json) =>
        JsonSerializer.Deserialize<Plan>(json, ReadOptions) ?? throw new JsonException("The plan JSON is null. Maybe the stored result is empty.");
}
