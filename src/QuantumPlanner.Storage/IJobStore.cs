namespace QuantumPlanner.Storage;

/// <summary>
/// The durable job queue. All methods are safe to call concurrently from many workers and replicas.
/// Worker-side calls (heartbeat, progress, complete, fail, release) only act while the job is running under the
/// <see cref="JobClaim"/> they name (worker id and claim token); they return false otherwise (cancelled, reclaimed by
/// any worker including this one, finished), and the worker should then stop working on the job.
/// </summary>
public interface IJobStore : IAsyncDisposable
{
    /// <summary>Applies missing schema migrations (idempotent; safe when several replicas start together).</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>True when every migration this build knows is applied.</summary>
    Task<bool> MigrationsAppliedAsync(CancellationToken cancellationToken = default);

    /// <summary>True when the database answers a trivial query.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a new queued job, or returns the job with the same tenant and idempotency key (Created = false).</summary>
    Task<EnqueueResult> EnqueueAsync(NewJob job, CancellationToken cancellationToken = default);

    /// <summary>The job, or null when it does not exist or belongs to another tenant.</summary>
    Task<JobRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>The job regardless of tenant (workers, admin tools).</summary>
    Task<JobRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Newest first, keyset-paginated on (created_at, id). Throws <see cref="FormatException"/> for a malformed cursor.</summary>
    Task<JobPage> ListAsync(string tenantId, JobStatus? status, int limit, string? cursor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the next claimable job: a running one whose lease expired (attempts + 1), else the oldest queued job of the
    /// tenant served longest ago (round robin across tenants, so one tenant's backlog does not starve the others).
    /// A running job whose lease expired after <paramref name="maxAttempts"/> attempts is failed with
    /// "lease expired N times" instead. Returns null when nothing is claimable.
    /// </summary>
    Task<JobRecord?> ClaimAsync(string workerId, TimeSpan leaseDuration, int maxAttempts, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims up to <paramref name="maxJobs"/> jobs in one round trip, with the semantics of <see cref="ClaimAsync"/> for each:
    /// expired leases first (oldest lease first), then queued jobs in rounds across tenants (each round one job of every
    /// tenant with queued jobs, the tenant served longest ago first; each tenant's jobs oldest first); exhausted jobs are
    /// failed. Every returned job is running under <paramref name="workerId"/> with its own lease and a new
    /// <see cref="JobRecord.ClaimToken"/>; empty when nothing is claimable.
    /// Claim only as many as you can start now: a claimed job's lease runs while it waits.
    /// </summary>
    Task<IReadOnlyList<JobRecord>> ClaimManyAsync(string workerId, TimeSpan leaseDuration, int maxAttempts, int maxJobs, CancellationToken cancellationToken = default);

    /// <summary>Extends the lease; false when the job is no longer running under this worker (e.g. cancelled).</summary>
    Task<bool> HeartbeatAsync(JobClaim claim, TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>Records the best objective so far; false when the job is no longer ours.</summary>
    Task<bool> ReportProgressAsync(JobClaim claim, double objective, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="points"/> (at least one, increasing elapsed times) to the history of this attempt and records the last
    /// one as the best objective so far, in one statement; false when the job is no longer ours. The history keeps at
    /// most <see cref="ProgressPoint.MaxPerAttempt"/> points per attempt. It is deleted with its job by any delete of
    /// the job's row (a cascade in PostgreSQL, a trigger in SQLite), so archive and erase need no extra step.
    /// </summary>
    Task<bool> ReportProgressAsync(JobClaim claim, IReadOnlyList<ProgressPoint> points, CancellationToken cancellationToken = default);

    /// <summary>
    /// The progress history of the job's latest attempt, oldest first (empty before its first report); null when the
    /// job does not exist or belongs to another tenant.
    /// </summary>
    Task<IReadOnlyList<ProgressPoint>?> GetProgressAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>Completes the job exactly once: true only for the one call that moved it from running (under this claim) to completed.</summary>
    Task<bool> CompleteAsync(JobClaim claim, string backendUsed, string resultJson, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="CompleteAsync"/> that also returns the completed row as stored (null where CompleteAsync answers false),
    /// so the caller can serve the finished job without reading it back.
    /// </summary>
    Task<JobRecord?> CompleteReturningAsync(JobClaim claim, string backendUsed, string resultJson, CancellationToken cancellationToken = default);

    /// <summary>Fails the job for good (no retry); false when the job is no longer ours.</summary>
    Task<bool> FailAsync(JobClaim claim, string error, CancellationToken cancellationToken = default);

    /// <summary>Graceful shutdown: puts a running job back in the queue, lease cleared, this attempt not counted.</summary>
    Task<bool> ReleaseAsync(JobClaim claim, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels a queued or running job of this tenant and returns it; a finished job is returned unchanged
    /// (check its status); null when it does not exist or belongs to another tenant.
    /// </summary>
    Task<JobRecord?> CancelAsync(string tenantId, Guid id, CancellationToken cancellationToken = default);

    /// <summary>Number of jobs per status over all tenants (every status present, zero when none).</summary>
    Task<IReadOnlyDictionary<JobStatus, long>> CountByStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Number of queued jobs.</summary>
    Task<long> QueueSizeAsync(CancellationToken cancellationToken = default);

    /// <summary>Jobs that finished (completed_at) within the last <paramref name="window"/>.</summary>
    Task<JobOutcomeStats> OutcomeStatsAsync(TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>A setting shared by all replicas (e.g. maintenance mode), as JSON; null when never set.</summary>
    Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces a setting; <paramref name="json"/> must be valid JSON.</summary>
    Task SetSettingAsync(string key, string json, CancellationToken cancellationToken = default);
}
