using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Client;

/// <summary>
/// A planning request: the problem object as the service reads it (DESIGN.md §3) and how to solve it. The problem is
/// kept as JSON so that what the caller wrote reaches the service unchanged (and its issues keep their positions).
/// </summary>
public sealed record PlanRequest(JsonObject Problem)
{
    /// <summary>A request for a problem built in code, written the way <see cref="PlanningJson"/> writes problems.</summary>
    public PlanRequest(PlanningProblem problem)
        : this(JsonNode.Parse(PlanningJson.Serialize(problem ?? throw new ArgumentNullException(nameof(problem))))!.AsObject())
    {
    }

    public string Backend { get; init; } = "auto";

    /// <summary>The sampler of the QUBO path (sa, pt, tabu, auto, qpu:NAME, hybrid:NAME); null: the service's default, auto.</summary>
    public string? Sampler { get; init; }

    public double? TimeLimitSeconds { get; init; }

    public long? Seed { get; init; }

    /// <summary>Submitting the same key twice answers the first job instead of queuing a second.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>
    /// A previous plan to re-plan from (as <c>qplan solve --baseline</c> reads it: its assignments, those with
    /// <c>"pinned": true</c> held in place); it replaces the problem's own <c>baseline</c>.
    /// </summary>
    public JsonObject? Baseline { get; init; }

    internal JsonObject ToBody() => RequestBody.Of(
        ("problem", Problem.DeepClone()), ("baseline", Baseline?.DeepClone()), ("backend", Backend), ("sampler", Sampler), ("timeLimitSeconds", TimeLimitSeconds), ("seed", Seed), ("idempotencyKey", IdempotencyKey));
}

public sealed record JobLinks(string Self, string Result, string Cancel);

public sealed record JobProgress(double? BestObjective);

/// <summary>One point of a job's progress: the best objective <see cref="ElapsedMs"/> milliseconds after its solve started.</summary>
public sealed record ProgressSample(long ElapsedMs, double Objective);

/// <summary>GET /api/v1/jobs/{id}/progress: the best objective over time of the job's latest attempt, oldest first.</summary>
public sealed record ProgressHistory(Guid JobId, IReadOnlyList<ProgressSample> Points);

/// <summary>A job as GET /api/v1/jobs/{id} shows it. Status: queued, running, completed, failed or cancelled.</summary>
public sealed record Job(
    Guid Id,
    string Status,
    string BackendRequested,
    string? BackendUsed,
    int TimeLimitSeconds,
    long Seed,
    string? IdempotencyKey,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    JobProgress Progress,
    string? Error,
    JobLinks Links)
{
    /// <summary>True once the job is completed, failed or cancelled; it will not change again.</summary>
    [JsonIgnore]
    public bool IsFinished => Status is "completed" or "failed" or "cancelled";

    /// <summary>The sampler the job asked for when it is not the default (auto).</summary>
    public string? Sampler { get; init; }
}

/// <summary>One page of GET /api/v1/jobs; pass <see cref="NextCursor"/> back for the next (null on the last page).</summary>
public sealed record JobPage(IReadOnlyList<Job> Items, string? NextCursor);

public sealed record BackendInfo(string Name, string Kind, bool Available, string? Reason);

/// <summary>The planning backends and the QUBO samplers the service offers.</summary>
public sealed record BackendList(IReadOnlyList<BackendInfo> Backends, IReadOnlyList<string> Samplers);

/// <summary>What POST /api/v1/validate answers: valid, the counts read, and every issue (line and column where known).</summary>
public sealed record ProblemValidation(bool Valid, int? Tasks, int? Agents, IReadOnlyList<ValidationIssue> Issues);

internal sealed record ExampleList(IReadOnlyList<string> Examples);

/// <summary>
/// A raw binary quadratic model to sample: <see cref="Model"/> is the JSON BQM (<c>vartype</c>, <c>linear</c>,
/// <c>quadratic</c>, <c>offset</c>), as <c>qplan qubo solve --format json</c> reads it.
/// </summary>
public sealed record QuboRequest(JsonObject Model)
{
    public string? Solver { get; init; }

    public double? TimeLimitSeconds { get; init; }

    public int? Reads { get; init; }

    public int? Sweeps { get; init; }

    public long? Seed { get; init; }

    internal JsonObject ToBody() => RequestBody.Of(
        ("model", Model.DeepClone()), ("solver", Solver), ("timeLimitSeconds", TimeLimitSeconds), ("reads", Reads), ("sweeps", Sweeps), ("seed", Seed));
}

public sealed record QuboTiming(double TotalMs, double TimeToBestMs);

/// <summary>The best sample found; <see cref="Objective"/> is in the model's own units and sense.</summary>
public sealed record QuboResult(
    string Solver,
    string Vartype,
    string? Sense,
    double Energy,
    double Objective,
    IReadOnlyDictionary<string, int> Sample,
    int Reads,
    QuboTiming Timing)
{
    /// <summary>The sampler that ran when <see cref="Solver"/> was auto (e.g. exact for a small model).</summary>
    public string? Chosen { get; init; }
}

/// <summary>A request body of the properties that are set: the service's defaults apply to the ones left out.</summary>
internal static class RequestBody
{
    public static JsonObject Of(params (string Name, JsonNode? Value)[] properties)
    {
        var body = new JsonObject();
        foreach (var (name, value) in properties)
        {
            if (value is not null)
            {
                body[name] = value;
            }
        }

        return body;
    }
}
