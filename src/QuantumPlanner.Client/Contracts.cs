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

    public double? TimeLimitSeconds { get; init; }

    public long? Seed { get; init; }

    /// <summary>Submitting the same key twice answers the first job instead of queuing a second.</summary>
    public string? IdempotencyKey { get; init; }

    internal JsonObject ToBody()
    {
        var body = new JsonObject { ["problem"] = Problem.DeepClone(), ["backend"] = Backend };
        if (TimeLimitSeconds is { } seconds)
        {
            body["timeLimitSeconds"] = seconds;
        }

        if (Seed is { } seed)
        {
            body["seed"] = seed;
        }

        if (IdempotencyKey is { } key)
        {
            body["idempotencyKey"] = key;
        }

        return body;
    }
}

public sealed record JobLinks(string Self, string Result, string Cancel);

public sealed record JobProgress(double? BestObjective);

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
    JobProgress? Progress,
    string? Error,
    JobLinks? Links)
{
    /// <summary>True once the job is completed, failed or cancelled; it will not change again.</summary>
    [JsonIgnore]
    public bool IsFinished => Status is "completed" or "failed" or "cancelled";
}

/// <summary>One page of GET /api/v1/jobs; pass <see cref="NextCursor"/> back for the next (null on the last page).</summary>
public sealed record JobPage(IReadOnlyList<Job> Items, string? NextCursor);

public sealed record BackendInfo(string Name, string Kind, bool Available, string? Reason);

/// <summary>The planning backends and the QUBO samplers the service offers.</summary>
public sealed record BackendList(IReadOnlyList<BackendInfo> Backends, IReadOnlyList<string> Samplers);

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

    internal JsonObject ToBody()
    {
        var body = new JsonObject { ["model"] = Model.DeepClone() };
        if (Solver is { } solver)
        {
            body["solver"] = solver;
        }

        if (TimeLimitSeconds is { } seconds)
        {
            body["timeLimitSeconds"] = seconds;
        }

        if (Reads is { } reads)
        {
            body["reads"] = reads;
        }

        if (Sweeps is { } sweeps)
        {
            body["sweeps"] = sweeps;
        }

        if (Seed is { } seed)
        {
            body["seed"] = seed;
        }

        return body;
    }
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
    QuboTiming Timing);
