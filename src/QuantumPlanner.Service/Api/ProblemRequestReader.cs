using System.Text.Json;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Remote;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Storage.Caching;

namespace QuantumPlanner.Service.Api;

/// <summary>
/// A submission after parsing and validation: the problem as the client wrote it (stored with a job), as a validated
/// model and as its canonical hash, each made once from the one parse of the body.
/// </summary>
internal sealed record ProblemRequest(
    ValidatedProblem Problem,
    string ProblemJson,
    string ProblemHash,
    string Backend,
    string Sampler,
    int TimeLimitSeconds,
    long Seed,
    string? IdempotencyKey)
{
    public SolveInput ToSolveInput(string tenantId) => new(tenantId, Problem, ProblemHash, Backend, TimeLimitSeconds, Seed) { Sampler = Sampler };

    /// <summary>The backend as a job stores it: with the sampler when that is not the default (<see cref="Storage.RequestedBackend"/>).</summary>
    public string StoredBackend => ToSolveInput(string.Empty).StoredBackend;
}

/// <summary>A plan to explain and the validated problem it is for (<see cref="ProblemRequestReader.ReadExplain"/>).</summary>
internal sealed record ExplainRequest(ValidatedProblem Problem, IReadOnlyList<Assignment> Assignments)
{
    public PlanExplanation Explain() => PlanExplanation.Of(Problem.Problem, Assignments);
}

/// <summary>The fields of a jobs or solve request after their shape was checked; a null time limit takes the default.</summary>
internal sealed record RequestFields(JsonElement Problem)
{
    public JsonElement? Baseline { get; init; }

    public string Backend { get; init; } = "auto";

    public string Sampler { get; init; } = PlanningOptions.DefaultSampler;

    public int? TimeLimitSeconds { get; init; }

    public long Seed { get; init; } = 1;

    public string? IdempotencyKey { get; init; }
}

/// <summary>
/// Why a request was refused, before any work: 400 for a body of the wrong shape, 422 for an invalid problem, each
/// error naming its field. HTTP answers it as problem details, MCP as the text of a tool error.
/// </summary>
internal sealed record RequestRejection(bool Unprocessable, string Detail, IReadOnlyList<ApiError> Errors)
{
    public IResult ToResult() => Unprocessable ? ApiProblems.Unprocessable(Detail, Errors) : ApiProblems.BadRequest(Detail, Errors);

    public override string ToString()
    {
        var lines = new List<string> { Detail };
        foreach (var error in Errors)
        {
            lines.Add($"- {error.Item}: {error.Message} {error.Suggestion} [{error.Code}]");
        }

        return string.Join('\n', lines);
    }
}

/// <summary>
/// Reads <c>{ problem, baseline, backend, sampler, timeLimitSeconds, seed, idempotencyKey }</c> with the body limit, then
/// reports every problem at once: malformed JSON → 400, invalid problem or a size limit → 422 naming it. The body is parsed
/// once: the problem is read, validated and hashed from that document. A top-level <c>baseline</c> (a previous plan, as
/// <c>qplan solve --baseline</c> reads it) replaces the problem's own; the job then stores and hashes the problem with
/// that baseline in it, so the worker and the cache see what was solved.
/// </summary>
internal static class ProblemRequestReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };
    private static readonly JsonDocumentOptions UniqueDocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>
    /// The body as a JSON document, or its refusal (413 over <paramref name="maxBytes"/>, 400 empty, not UTF-8 or not
    /// JSON). <paramref name="uniqueProperties"/> refuses a property given twice in any object, for readers that go
    /// through JsonObject (which throws on a repeated key when first indexed).
    /// </summary>
    public static async Task<(JsonDocument? Document, IResult? Error)> ReadJsonAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken, bool uniqueProperties = false)
    {
        if (request.ContentLength is { } length && length > maxBytes)
        {
            return (null, ApiProblems.TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, ApiProblems.TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, ApiProblems.BadRequest("The request body is empty. Maybe send a JSON object with a \"problem\" property."));
        }

        // JsonDocument checks UTF-8 only when a string is read, which would throw from deep inside the problem reader
        // (a 500): refuse a body that is not UTF-8 here, naming where it breaks.
        if (FirstInvalidUtf8(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is var invalid and >= 0)
        {
            return (null, ApiProblems.BadRequest(
                $"The body is not valid UTF-8 (byte {invalid}).",
                [new ApiError("utf8", $"body:byte:{invalid}", $"Byte {invalid} starts a sequence that is not UTF-8.", "Maybe send the JSON encoded as UTF-8, with other characters escaped as \\uXXXX.")]));
        }

        try
        {
            return (JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), uniqueProperties ? UniqueDocumentOptions : DocumentOptions), null);
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var column = (ex.BytePositionInLine ?? 0) + 1;
            return (null, ApiProblems.BadRequest(
                $"The body is not valid JSON (line {line}, column {column}).",
                [new ApiError("json-syntax", $"body:{line}:{column}", $"JSON syntax error at line {line}, column {column}.", uniqueProperties
                    ? "Maybe a comma, quote or bracket is missing or extra just before this point, or a property is given twice in one object."
                    : "Maybe a comma, quote or bracket is missing or extra just before this point.")]));
        }
    }

    public static async Task<(ProblemRequest? Request, IResult? Error)> ReadAsync(
        HttpRequest request, QuantumPlannerOptions options, PlanningEngine engine, bool synchronous, CancellationToken cancellationToken)
    {
        var (document, error) = await ReadJsonAsync(request, options.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return (null, error);
        }

        using (document)
        {
            var (parsed, rejection) = Parse(document.RootElement, options, engine, synchronous);
            return (parsed, rejection?.ToResult());
        }
    }

    internal static (ProblemRequest? Request, RequestRejection? Rejection) Parse(JsonElement root, QuantumPlannerOptions options, PlanningEngine engine, bool synchronous)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, new RequestRejection(false, $"The body is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object. Maybe wrap it: {{\"problem\": ...}}.", []));
        }

        var shape = new List<ApiError>();
        JsonElement problemElement = default;
        var hasProblem = false;
        JsonElement? baselineElement = null;
        var backend = "auto";
        var sampler = PlanningOptions.DefaultSampler;
        int? timeLimit = null;
        long seed = 1;
        string? idempotencyKey = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "problem":
                    problemElement = property.Value;
                    hasProblem = property.Value.ValueKind == JsonValueKind.Object;
                    if (!hasProblem)
                    {
                        shape.Add(ProblemShapeError(property.Value));
                    }

                    break;
                case "baseline":
                    if (property.Value.ValueKind == JsonValueKind.Object)
                    {
                        baselineElement = property.Value;
                    }
                    else if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        shape.Add(new ApiError("shape", "$.baseline", $"baseline is a JSON {property.Value.ValueKind.ToString().ToLowerInvariant()}, not an object.", "Maybe a previous plan, or {\"assignments\": [{\"task\": \"t1\", \"agent\": \"alice\", \"start\": 0, \"pinned\": true}]}."));
                    }

                    break;
                case "backend":
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        backend = property.Value.GetString()!;
                    }
                    else if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        shape.Add(new ApiError("shape", "$.backend", "backend must be a string.", "Maybe \"auto\"."));
                    }

                    break;
                case "sampler":
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        sampler = property.Value.GetString()!;
                    }
                    else if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        shape.Add(new ApiError("shape", "$.sampler", "sampler must be a string.", $"Maybe \"{PlanningOptions.DefaultSampler}\"."));
                    }

                    break;
                case "timeLimitSeconds":
                    if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var seconds) && seconds > 0)
                    {
                        timeLimit = WholeSeconds(seconds);
                    }
                    else if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        shape.Add(TimeLimitShapeError(property.Value.GetRawText()));
                    }

                    break;
                case "seed":
                    if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var s) && s >= 0)
                    {
                        seed = s;
                    }
                    else if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        shape.Add(SeedShapeError(property.Value.GetRawText()));
                    }

                    break;
                case "idempotencyKey":
                    if (property.Value.ValueKind == JsonValueKind.String && IsIdempotencyKey(property.Value.GetString()))
                    {
                        idempotencyKey = property.Value.GetString();
                    }
                    else if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        shape.Add(IdempotencyKeyShapeError);
                    }

                    break;
                default:
                    shape.Add(new ApiError("unknown-property", $"$.{property.Name}", $"Unknown property '{property.Name}'.", "Maybe one of problem, baseline, backend, sampler, timeLimitSeconds, seed, idempotencyKey."));
                    break;
            }
        }

        if (!hasProblem && shape.Count == 0)
        {
            shape.Add(new ApiError("missing", "$.problem", "The body has no \"problem\".", "Maybe {\"problem\": {\"agents\": [...], \"tasks\": [...]}}."));
        }

        if (shape.Count > 0)
        {
            return (null, ShapeRejection(shape));
        }

        var fields = new RequestFields(problemElement)
        {
            Baseline = baselineElement,
            Backend = backend,
            Sampler = sampler,
            TimeLimitSeconds = timeLimit,
            Seed = seed,
            IdempotencyKey = idempotencyKey,
        };
        return Read(fields, options, engine, synchronous);
    }

    /// <summary>
    /// A job request whose fields a caller already holds typed (MCP's submit_job: the SDK hands the problem as a parsed
    /// element), read by the same intake as a body without writing and parsing one: the same shape rules, defaults,
    /// limits, validation and hash.
    /// </summary>
    internal static (ProblemRequest? Request, RequestRejection? Rejection) Read(
        JsonElement problem, string? backend, double? timeLimitSeconds, long? seed, string? idempotencyKey, QuantumPlannerOptions options, PlanningEngine engine)
    {
        var shape = new List<ApiError>();
        if (problem.ValueKind != JsonValueKind.Object)
        {
            shape.Add(ProblemShapeError(problem));
        }

        if (timeLimitSeconds is { } given && !(double.IsFinite(given) && given > 0))
        {
            shape.Add(TimeLimitShapeError(given.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (seed is < 0)
        {
            shape.Add(SeedShapeError(seed.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (idempotencyKey is not null && !IsIdempotencyKey(idempotencyKey))
        {
            shape.Add(IdempotencyKeyShapeError);
        }

        if (shape.Count > 0)
        {
            return (null, ShapeRejection(shape));
        }

        var fields = new RequestFields(problem)
        {
            Backend = backend ?? "auto",
            TimeLimitSeconds = timeLimitSeconds is { } seconds ? WholeSeconds(seconds) : null,
            Seed = seed ?? 1,
            IdempotencyKey = idempotencyKey,
        };
        return Read(fields, options, engine, synchronous: false);
    }

    /// <summary>
    /// The problem and plan of an explanation (<c>POST /api/v1/explain</c>, the MCP tool explain_plan): the problem read
    /// by the intake of <c>/solve</c> (shape, limits, validation), then the plan's assignments checked against it, each
    /// issue naming its item under <c>$.plan</c>.
    /// </summary>
    internal static (ExplainRequest? Request, RequestRejection? Rejection) ReadExplain(JsonElement problem, JsonElement plan, QuantumPlannerOptions options, PlanningEngine engine)
    {
        if (problem.ValueKind != JsonValueKind.Object)
        {
            return (null, ShapeRejection([ProblemShapeError(problem)]));
        }

        var (request, rejection) = Read(new RequestFields(problem), options, engine, synchronous: true);
        if (request is null)
        {
            return (null, rejection);
        }

        var (assignments, issues) = PlanExplanation.ReadAssignments(plan, request.Problem.Problem);
        if (assignments is null)
        {
            return (null, new RequestRejection(true, $"The plan has {issues.Count} error(s) against the problem; each is listed in \"errors\".", [.. issues.Select(ToApiError)]));
        }

        return (new ExplainRequest(request.Problem, assignments), null);
    }

    /// <summary>Everything after the shape: names, limits, the problem read once from its element, validated once, hashed once.</summary>
    private static (ProblemRequest? Request, RequestRejection? Rejection) Read(RequestFields fields, QuantumPlannerOptions options, PlanningEngine engine, bool synchronous)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engine);
        var maxTimeLimitSeconds = synchronous ? options.SyncMaxTimeLimitSeconds : options.MaxTimeLimitSeconds;
        var limitName = synchronous ? nameof(QuantumPlannerOptions.SyncMaxTimeLimitSeconds) : nameof(QuantumPlannerOptions.MaxTimeLimitSeconds);
        var (problemElement, baselineElement, backend, sampler, seed, idempotencyKey) = (fields.Problem, fields.Baseline, fields.Backend, fields.Sampler, fields.Seed, fields.IdempotencyKey);
        var timeLimit = fields.TimeLimitSeconds ?? Math.Min(options.DefaultTimeLimitSeconds, synchronous ? options.SyncMaxTimeLimitSeconds : int.MaxValue);
        var issues = new List<ApiError>();
        if (!engine.IsKnownBackend(backend))
        {
            issues.Add(new ApiError("unknown-backend", "$.backend", $"Backend '{backend}' is unknown.", $"Maybe one of: {string.Join(", ", engine.BackendNames)}."));
        }

        if (engine.RefuseSampler(sampler) is { } fix)
        {
            issues.Add(new ApiError("unknown-sampler", "$.sampler", $"Sampler '{sampler}' is unknown (or a remote annealer without {QuantumConfiguration.EndpointVariable} configured).", fix));
        }

        if (timeLimit > maxTimeLimitSeconds)
        {
            issues.Add(new ApiError("limit", "$.timeLimitSeconds", $"timeLimitSeconds {timeLimit} exceeds the limit {limitName} = {maxTimeLimitSeconds}.", $"Maybe {maxTimeLimitSeconds} or less."));
        }

        var parsed = PlanningJson.ReadProblem(problemElement, "problem");
        foreach (var issue in parsed.Issues)
        {
            issues.Add(ToApiError(issue));
        }

        var read = parsed.Problem;
        var readable = parsed.Issues.Count == 0;
        if (baselineElement is { } baselineJson)
        {
            var (baseline, baselineIssues) = PlanningJson.ReadBaseline(baselineJson, "baseline", "$.baseline");
            foreach (var issue in baselineIssues)
            {
                issues.Add(ToApiError(issue));
            }

            readable &= baseline is not null && baselineIssues.Count == 0;
            if (read is not null && readable)
            {
                read = read with { Baseline = baseline };
            }
        }

        ValidatedProblem? valid = null;
        if (read is { } problem)
        {
            if (problem.Tasks.Count > options.MaxTasks)
            {
                issues.Add(new ApiError("limit", "$.problem.tasks", $"The problem has {problem.Tasks.Count} tasks; the limit MaxTasks is {options.MaxTasks}.", "Maybe split the problem, or raise QuantumPlanner:MaxTasks."));
            }

            if (problem.Agents.Count > options.MaxAgents)
            {
                issues.Add(new ApiError("limit", "$.problem.agents", $"The problem has {problem.Agents.Count} agents; the limit MaxAgents is {options.MaxAgents}.", "Maybe split the problem, or raise QuantumPlanner:MaxAgents."));
            }

            if (readable)
            {
                (valid, var invalid) = ValidatedProblem.TryCreate(problem);
                foreach (var issue in invalid)
                {
                    issues.Add(ToApiError(issue));
                }
            }
        }

        if (issues.Count > 0 || valid is null)
        {
            return (null, new RequestRejection(true, $"The problem has {issues.Count} error(s); each is listed in \"errors\".", issues));
        }

        if (baselineElement is { } replacing)
        {
            var merged = WithBaseline(problemElement, replacing);
            return (new ProblemRequest(valid, merged, CacheKey.ProblemHash(merged), backend, sampler, timeLimit, seed, idempotencyKey), null);
        }

        return (new ProblemRequest(valid, problemElement.GetRawText(), CacheKey.ProblemHash(problemElement), backend, sampler, timeLimit, seed, idempotencyKey), null);
    }

    /// <summary>The problem's JSON with its own "baseline" (if any) replaced by <paramref name="baseline"/>.</summary>
    private static string WithBaseline(JsonElement problem, JsonElement baseline)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in problem.EnumerateObject())
            {
                if (!property.NameEquals("baseline"))
                {
                    property.WriteTo(writer);
                }
            }

            writer.WritePropertyName("baseline");
            baseline.WriteTo(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static RequestRejection ShapeRejection(List<ApiError> shape) =>
        new(false, $"The request has {shape.Count} error(s); each is listed in \"errors\".", shape);

    private static ApiError ProblemShapeError(JsonElement problem) =>
        new("shape", "$.problem", $"problem is a JSON {problem.ValueKind.ToString().ToLowerInvariant()}, not an object.", "Maybe send the planning problem object itself (DESIGN.md §3).");

    private static ApiError TimeLimitShapeError(string given) =>
        new("shape", "$.timeLimitSeconds", $"timeLimitSeconds {given} must be a positive number.", "Maybe 10.");

    private static ApiError SeedShapeError(string given) =>
        new("shape", "$.seed", $"seed {given} must be a non-negative integer.", "Maybe 1.");

    private static readonly ApiError IdempotencyKeyShapeError =
        new("shape", "$.idempotencyKey", "idempotencyKey must be a string of 1 to 200 characters.", "Maybe a UUID chosen by the client.");

    /// <summary>Whole seconds, rounded up; a limit beyond int's range stays beyond every configured maximum.</summary>
    private static int WholeSeconds(double seconds) => seconds >= int.MaxValue ? int.MaxValue : (int)Math.Ceiling(seconds);

    private static bool IsIdempotencyKey(string? key) => key is { Length: > 0 and <= 200 };

    private static ApiError ToApiError(ValidationIssue issue) => new(issue.Code, issue.Item, issue.Message, issue.Suggestion);

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return -1;
        }

        for (var offset = 0; offset < bytes.Length;)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }
}
