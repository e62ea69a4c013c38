namespace QuantumPlanner.Storage.Operations;

/// <summary>
/// What operators ask of the database itself (qplan ops): job history for reports, sizes, planner statistics and
/// housekeeping. Made by <see cref="StorageFactory.CreateOperationsStore"/>; one implementation per store. A question
/// that only makes sense on one store throws <see cref="NotApplicableException"/> on the other.
/// </summary>
public interface IOperationsStore : IAsyncDisposable
{
    /// <summary>"postgresql" or "sqlite".</summary>
    string Kind { get; }

    /// <summary>True when the database answers; otherwise Error says why not.</summary>
    Task<(bool Ok, string? Error)> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>True when every migration this build knows is applied.</summary>
    Task<bool> MigrationsAppliedAsync(CancellationToken cancellationToken = default);

    /// <summary>Every job created at or after <paramref name="since"/>, without problems and plans (only the plan's gap).</summary>
    Task<IReadOnlyList<JobHistoryRow>> JobHistoryAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Failed jobs that finished at or after <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<JobHistoryRow>> FailedJobsAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Tables and indexes with their on-disk size, largest first.</summary>
    Task<IReadOnlyList<RelationSize>> RelationSizesAsync(CancellationToken cancellationToken = default);

    /// <summary>The whole database's size in bytes and the local folder it lives in (null when the server is remote).</summary>
    Task<DatabaseFootprint> FootprintAsync(CancellationToken cancellationToken = default);

    /// <summary>PostgreSQL: VACUUM ANALYZE. SQLite: VACUUM, ANALYZE, PRAGMA optimize and integrity_check.</summary>
    Task<IReadOnlyList<string>> VacuumAsync(CancellationToken cancellationToken = default);

    /// <summary>Planner statistics of <c>optimization_jobs</c>'s columns (pg_stats; SQLite: sqlite_stat1 after ANALYZE).</summary>
    Task<IReadOnlyList<ColumnStatistics>> ColumnStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>Indexes scanned fewer than <paramref name="maxScans"/> times since statistics were reset. PostgreSQL only.</summary>
    Task<IReadOnlyList<IndexUsage>> RarelyUsedIndexesAsync(long maxScans, CancellationToken cancellationToken = default);

    /// <summary>Tables read by more than <paramref name="minScans"/> sequential scans (a missing index?). PostgreSQL only.</summary>
    Task<IReadOnlyList<TableScans>> SequentialScansAsync(long minScans, CancellationToken cancellationToken = default);

    /// <summary>The statements with the highest mean time from pg_stat_statements. PostgreSQL only.</summary>
    Task<IReadOnlyList<StatementStatistics>> SlowStatementsAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>The current <c>log_min_duration_statement</c> (null: off).</summary>
    Task<TimeSpan?> SlowLogThresholdAsync(CancellationToken cancellationToken = default);

    /// <summary>ALTER SYSTEM SET log_min_duration_statement and pg_reload_conf(); null turns it off. PostgreSQL only.</summary>
    Task SetSlowLogThresholdAsync(TimeSpan? threshold, CancellationToken cancellationToken = default);

    /// <summary>EXPLAIN of one statement (generic plan for statements with $n parameters). PostgreSQL only.</summary>
    Task<string> ExplainAsync(string statement, CancellationToken cancellationToken = default);

    /// <summary>Drops leftover <c>temp_optimization_*</c> tables; returns their names (only lists them when <paramref name="dryRun"/>).</summary>
    Task<IReadOnlyList<string>> DropTempTablesAsync(bool dryRun, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts running jobs whose lease expired more than <paramref name="staleAfter"/> ago back in the queue (worker and
    /// lease cleared, attempts kept); returns their ids (only lists them when <paramref name="dryRun"/>).
    /// </summary>
    Task<IReadOnlyList<Guid>> RequeueStaleLeasesAsync(TimeSpan staleAfter, bool dryRun, CancellationToken cancellationToken = default);
}

/// <summary>One job of the history, as the reports need it; durations derive from the timestamps.</summary>
public sealed record JobHistoryRow(
    Guid Id,
    string TenantId,
    JobStatus Status,
    string BackendRequested,
    string? BackendUsed,
    string? WorkerId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? Error,
    double? Gap)
{
    /// <summary>The backend that answered, else the one asked for.</summary>
    public string Backend => BackendUsed ?? BackendRequested;

    /// <summary>Claim to finish, for completed jobs.</summary>
    public TimeSpan? SolveTime => Status == JobStatus.Completed && StartedAt is { } s && CompletedAt is { } c && c >= s ? c - s : null;

    /// <summary>Created to claimed (the last claim), for jobs that were claimed.</summary>
    public TimeSpan? QueueWait => StartedAt is { } s && s >= CreatedAt ? s - CreatedAt : null;

    public bool IsFallback => Status == JobStatus.Completed && BackendFamilies.IsClassicalFallback(BackendRequested, BackendUsed);
}

/// <summary>A table or index and its size on disk.</summary>
public sealed record RelationSize(string Name, string Kind, string? Table, long Bytes, long? Rows)
{
    /// <summary>Where <see cref="Bytes"/> comes from: pg_relation_size, dbstat, or "page walk" (SQLite without dbstat: the file's b-tree pages counted).</summary>
    public string? SizeSource { get; init; }
}

/// <summary>Database size and the local directory holding it (null: not on this machine, so its disk is not measurable here).</summary>
public sealed record DatabaseFootprint(long Bytes, string? LocalDirectory);

/// <summary>One row of pg_stats (or SQLite's sqlite_stat1 for an index).</summary>
public sealed record ColumnStatistics(string Column, double? NullFraction, double? DistinctValues, double? Correlation, string? MostCommonValues);

public sealed record IndexUsage(string Table, string Index, long Scans, long Bytes);

public sealed record TableScans(string Table, long SequentialScans, long IndexScans, long LiveRows);

public sealed record StatementStatistics(string Query, long Calls, double MeanMilliseconds, double TotalMilliseconds, long Rows);

/// <summary>The question has no meaning on this store (e.g. pg_stat_statements on SQLite); the message says why and what to do instead.</summary>
public sealed class NotApplicableException(string message) : Exception(message);
