namespace QuantumPlanner.Storage;

/// <summary>One row of <c>optimization_jobs</c>. Timestamps are UTC with microsecond precision.</summary>
public sealed record JobRecord(
    Guid Id,
    string TenantId,
    JobStatus Status,
    string BackendRequested,
    string? BackendUsed,
    string ProblemJson,
    string? ResultJson,
    string ProblemHash,
    string? IdempotencyKey,
    int Attempts,
    string? WorkerId,
    DateTimeOffset? LeaseExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? Error,
    int TimeLimitSeconds,
    long Seed,
    double? ProgressObjective);

/// <summary>
/// A job to enqueue. <see cref="ProblemHash"/> is usually <see cref="CacheKey.ProblemHash(string)"/> of the problem.
/// When <see cref="CachedResultJson"/> is set the job is stored already completed (a cache hit), without a worker.
/// </summary>
public sealed record NewJob(
    string TenantId,
    string BackendRequested,
    string ProblemJson,
    string ProblemHash,
    int TimeLimitSeconds,
    long Seed,
    string? IdempotencyKey = null)
{
    public string? CachedResultJson { get; init; }

    public string? CachedBackendUsed { get; init; }
}

/// <summary>Result of <see cref="IJobStore.EnqueueAsync"/>: <c>Created</c> is false when the idempotency key named an existing job.</summary>
public readonly record struct EnqueueResult(JobRecord Job, bool Created);

/// <summary>One page of a job listing, newest first; pass <see cref="NextCursor"/> back for the next page (null: no more).</summary>
public sealed record JobPage(IReadOnlyList<JobRecord> Items, string? NextCursor);

/// <summary>Jobs finished in a time window, for the error-rate gauge.</summary>
public readonly record struct JobOutcomeStats(long Completed, long Failed, long Cancelled)
{
    /// <summary>Failed / (completed + failed); 0 when nothing finished.</summary>
    public double ErrorRate => Completed + Failed == 0 ? 0 : (double)Failed / (Completed + Failed);
}
