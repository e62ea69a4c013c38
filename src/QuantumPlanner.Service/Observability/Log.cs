namespace QuantumPlanner.Service.Observability;

/// <summary>
/// Every log message of the service, source-generated. Job lines run inside a scope that carries
/// JobId and Tenant (see <see cref="JobScope"/>). API keys never appear in any message.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Service started: store {Store}, cache {Cache}, {Workers} worker(s), API {Api}, auth {Auth}")]
    public static partial void Started(ILogger logger, string store, string cache, int workers, bool api, string auth);

    // Debug, like submission: at Information every small job wrote three JSON lines (submitted, claimed, completed),
    // CPU the load test competes for on a small machine. The completion (or failure) line carries what an operator
    // needs (status, backend, time, objective) with JobId and Tenant.
    [LoggerMessage(2, LogLevel.Debug, "Job claimed (attempt {Attempt}, backend {Backend})")]
    public static partial void JobClaimed(ILogger logger, int attempt, string backend);

    [LoggerMessage(3, LogLevel.Information, "Job completed: {Status} by {Backend} in {Milliseconds} ms, objective {Objective}")]
    public static partial void JobCompleted(ILogger logger, string status, string backend, long milliseconds, double objective);

    [LoggerMessage(4, LogLevel.Information, "Job answered from the result cache")]
    public static partial void JobCacheHit(ILogger logger);

    [LoggerMessage(5, LogLevel.Error, "Job failed: {Reason}")]
    private static partial void JobFailedLine(ILogger logger, string reason);

    public static void JobFailed(ILogger logger, string reason)
    {
        using (ErrorScope(logger))
        {
            JobFailedLine(logger, reason);
        }
    }

    [LoggerMessage(6, LogLevel.Information, "Job cancelled while running")]
    public static partial void JobCancelled(ILogger logger);

    [LoggerMessage(7, LogLevel.Information, "Job released on shutdown; another worker will claim it")]
    public static partial void JobReleased(ILogger logger);

    [LoggerMessage(8, LogLevel.Warning, "Job result was already recorded by another worker; this result is dropped")]
    public static partial void JobAlreadyCompleted(ILogger logger);

    [LoggerMessage(9, LogLevel.Warning, "Lease renewal failed; the job may be reclaimed by another worker")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Worker loop error; retrying in {Seconds} s")]
    public static partial void WorkerLoopError(ILogger logger, double seconds, Exception exception);

    [LoggerMessage(20, LogLevel.Warning, "Job outcome not recorded (store error); the lease expires in at most {LeaseSeconds} s and the job is claimed again")]
    public static partial void JobOutcomeNotRecorded(ILogger logger, int leaseSeconds, Exception exception);

    [LoggerMessage(11, LogLevel.Information, "Workers draining: no new claims, {Running} job(s) running")]
    public static partial void Draining(ILogger logger, int running);

    [LoggerMessage(12, LogLevel.Debug, "Job submitted (backend {Backend}, {Tasks} tasks)")]
    public static partial void JobSubmitted(ILogger logger, string backend, int tasks);

    [LoggerMessage(13, LogLevel.Warning, "Result cache unavailable; solving without it")]
    public static partial void CacheUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(14, LogLevel.Error, "Unhandled error on {Path}")]
    private static partial void UnhandledLine(ILogger logger, string path, Exception exception);

    public static void Unhandled(ILogger logger, string path, Exception exception)
    {
        using (ErrorScope(logger))
        {
            UnhandledLine(logger, path, exception);
        }
    }

    [LoggerMessage(15, LogLevel.Warning, "Store unavailable on {Path}: {Message}")]
    public static partial void StoreUnavailable(ILogger logger, string path, string message);

    [LoggerMessage(16, LogLevel.Information, "Maintenance mode {State} by tenant {Tenant}")]
    public static partial void MaintenanceChanged(ILogger logger, string state, string tenant);

    [LoggerMessage(17, LogLevel.Warning, "Metrics refresh failed")]
    public static partial void MetricsRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(18, LogLevel.Information, "Created the first admin API key for tenant {Tenant} (printed once on stdout)")]
    public static partial void AdminKeyCreated(ILogger logger, string tenant);

    [LoggerMessage(19, LogLevel.Information, "Job progress: best objective {Objective}")]
    public static partial void JobProgress(ILogger logger, double objective);

    /// <summary>
    /// The JSON console writes the level as "LogLevel":"Error"; the runbook's <c>kubectl logs ... | grep ERROR</c> needs the
    /// upper-case word, so every Error line carries a scope {"Severity":"ERROR"}.
    /// </summary>
    private static IDisposable? ErrorScope(ILogger logger) => logger.BeginScope(SeverityScope.Error);

    /// <summary>Scope carried by every line about one job (JSON logs show it as JobId and Tenant).</summary>
    public static IDisposable? JobScope(ILogger logger, Guid jobId, string tenant) => logger.BeginScope(new JobScopeState(jobId, tenant));

    /// <summary>Scope state the JSON console writes as {"Message": "JobId:..., Tenant:...", "JobId": ..., "Tenant": ...}.</summary>
    private sealed class JobScopeState(Guid jobId, string tenant) : IReadOnlyList<KeyValuePair<string, object>>
    {
        public int Count => 2;

        public KeyValuePair<string, object> this[int index] => index == 0
            ? new KeyValuePair<string, object>("JobId", jobId)
            : new KeyValuePair<string, object>("Tenant", tenant);

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"JobId:{jobId}, Tenant:{tenant}";
    }

    private sealed class SeverityScope(string severity) : IReadOnlyList<KeyValuePair<string, object>>
    {
        public static readonly SeverityScope Error = new("ERROR");

        public int Count => 1;

        public KeyValuePair<string, object> this[int index] => new("Severity", severity);

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "Severity:" + severity;
    }

    [LoggerMessage(21, LogLevel.Warning, "API key refused ({Reason}): key id {KeyId}, client {Client}")]
    public static partial void KeyRefused(ILogger logger, string reason, string keyId, string client);

    [LoggerMessage(22, LogLevel.Warning, "Created the first admin API key for tenant {Tenant}, key id {KeyId}, written to {Path} (mode 0600); read it, store it elsewhere, delete the file")]
    public static partial void AdminKeyWritten(ILogger logger, string tenant, string keyId, string path);

    [LoggerMessage(23, LogLevel.Warning, "Rate limiter: the shared Redis window did not answer ({Reason}); judging requests by this replica's own window until it does")]
    public static partial void RateLimitFallback(ILogger logger, string reason);
}
