namespace QuantumPlanner.Storage.Internal;

/// <summary>Argument checks and small helpers shared by both job stores, so they behave identically.</summary>
internal static class JobValidation
{
    public const int MaxPageSize = 1000;

    public static void Validate(NewJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        Require(job.TenantId, nameof(job.TenantId));
        Require(job.BackendRequested, nameof(job.BackendRequested));
        Require(job.ProblemJson, nameof(job.ProblemJson));
        Require(job.ProblemHash, nameof(job.ProblemHash));
        if (job.TimeLimitSeconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(job), job.TimeLimitSeconds, $"TimeLimitSeconds {job.TimeLimitSeconds} must be positive. Maybe 10.");
        }

        if (job.MaxActiveJobs is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(job), job.MaxActiveJobs, $"MaxActiveJobs {job.MaxActiveJobs} must be positive. Maybe null for no quota.");
        }

        if (job.IdempotencyKey is { Length: 0 })
        {
            throw new ArgumentException("IdempotencyKey is empty. Maybe pass null for no key.", nameof(job));
        }
    }

    /// <summary>The quota the insert checks: none for a job stored already completed (a cache hit takes no worker).</summary>
    public static int? QuotaOf(NewJob job) => job.CachedResultJson is null ? job.MaxActiveJobs : null;

    /// <summary>Neither inserted nor found by its idempotency key: the quota refused it, or the row vanished meanwhile.</summary>
    public static Exception NotInserted(NewJob job) => QuotaOf(job) is { } quota
        ? new JobQuotaExceededException(job.TenantId, quota)
        : new InvalidOperationException($"Job with idempotency key '{job.IdempotencyKey}' of tenant '{job.TenantId}' conflicted but cannot be read. Maybe it was deleted concurrently; retry the request.");

    public static void ValidateClaim(string workerId, TimeSpan leaseDuration, int maxAttempts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        if (leaseDuration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(leaseDuration), leaseDuration, "The lease must be positive. Maybe 30 seconds.");
        }

        if (maxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAttempts), maxAttempts, "A job needs at least one attempt. Maybe 3.");
        }
    }

    public const int MaxClaimBatch = 1000;

    public static void ValidateClaim(string workerId, TimeSpan leaseDuration, int maxAttempts, int maxJobs)
    {
        ValidateClaim(workerId, leaseDuration, maxAttempts);
        if (maxJobs is < 1 or > MaxClaimBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(maxJobs), maxJobs, $"A claim takes 1..{MaxClaimBatch} jobs. Maybe the number of idle workers.");
        }
    }

    public static int ClampLimit(int limit) => Math.Clamp(limit, 1, MaxPageSize);

    /// <summary>Rows were fetched with limit + 1 to learn whether another page exists without counting.</summary>
    public static JobPage Page(List<JobRecord> rows, int limit)
    {
        if (rows.Count <= limit)
        {
            return new JobPage(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        var last = rows[^1];
        return new JobPage(rows, JobCursor.Encode(last.CreatedAt, last.Id));
    }

    public static Dictionary<JobStatus, long> EmptyCounts() => new()
    {
        [JobStatus.Queued] = 0,
        [JobStatus.Running] = 0,
        [JobStatus.Completed] = 0,
        [JobStatus.Failed] = 0,
        [JobStatus.Cancelled] = 0,
    };

    private static void Require(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is empty. Maybe the request lacks it.", name);
        }
    }
}
