namespace QuantumPlanner.Storage;

/// <summary>
/// What an operator or the service did that must be answerable later: key changes, maintenance switches and every
/// destructive operation. <see cref="Action"/> is a dotted verb such as <c>key.create</c>, <c>archive.purge</c> or
/// <c>gdpr.erase</c>; <see cref="DetailsJson"/> is a JSON object (never a secret or a problem's content).
/// </summary>
public sealed record AuditRecord(string Action, string? ActorKeyId = null, string? TenantId = null, string? Target = null, string? DetailsJson = null);

/// <summary>One stored audit record with its id and time.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Action, string? ActorKeyId, string? TenantId, string? Target, string? DetailsJson);

/// <summary>Filters for <see cref="IAuditLog.ListAsync"/>: entries at or after <see cref="Since"/>, newest first.</summary>
public sealed record AuditQuery(DateTimeOffset? Since = null, string? Action = null, string? TenantId = null, int Limit = 100)
{
    /// <summary>The most entries one call returns.</summary>
    public const int MaxLimit = 10_000;
}

/// <summary>The append-only <c>audit_log</c> table, on the same database as the jobs (PostgreSQL or SQLite).</summary>
public interface IAuditLog : IAsyncDisposable
{
    /// <summary>Applies missing schema migrations (the same ones as the job store).</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends one record and returns its id. Throws <see cref="ArgumentException"/> when the details are not a JSON object.</summary>
    Task<long> WriteAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Newest first, at most <see cref="AuditQuery.Limit"/> entries (1 to <see cref="AuditQuery.MaxLimit"/>).</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
