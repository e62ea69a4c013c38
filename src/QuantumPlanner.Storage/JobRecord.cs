using QuantumPlanner.Storage.Caching;

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
    double? ProgressObjective)
{
    /// <summary>Incremented by every claim; the fence that <see cref="JobClaim.Token"/> carries.</summary>
    public long ClaimToken { get; init; }

    /// <summary>The claim this row was handed out under, for the worker-side calls of <see cref="IJobStore"/>.</summary>
    public JobClaim Claim => new(Id, WorkerId ?? string.Empty, ClaimToken);
}

/// <summary>
/// One claim of a job: the worker it was handed to and the claim's token. Worker-side calls act only while the job is
/// still under this very claim, so a worker that lost its lease (and even one that reclaimed the same job later, or
/// another process sharing its worker id) can no longer heartbeat, complete or fail it.
/// </summary>
public readonly record struct JobClaim(Guid JobId, string WorkerId, long Token);

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

    /// <summary>
    /// The tenant's quota of queued + running jobs: the enqueue throws <see cref="JobQuotaExceededException"/> when the
    /// tenant already has this many (a known idempotency key still returns its job). Null: no quota. Checked inside the
    /// insert, so concurrent submissions can pass it by at most their own number.
    /// </summary>
    public int? MaxActiveJobs { get; init; }
}

/// <summary>The tenant already has <see cref="Quota"/> queued or running jobs; nothing was stored.</summary>
public sealed class JobQuotaExceededException(string tenantId, int quota)
    : InvalidOperationException($"Tenant '{tenantId}' already has {quota} queued or running jobs, its quota MaxActiveJobsPerTenant. Maybe wait for some to finish, cancel some, or raise QuantumPlanner:MaxActiveJobsPerTenant.")
{
    public string TenantId { get; } = tenantId;

    public int Quota { get; } = quota;
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
