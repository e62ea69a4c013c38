namespace QuantumPlanner.Storage.Operations;

/// <summary>Failed jobs counted under one name (a backend or a tenant).</summary>
public sealed record ErrorCount(string Name, int Failed);

/// <summary>One failed job with its error.</summary>
public sealed record FailedJob(Guid Id, string Tenant, string Backend, DateTimeOffset? FailedAt, string Error);

/// <summary>
/// The failed jobs of a period, counted by backend and by tenant, the newest listed: the one document of
/// <c>qplan ops errors --json</c> and <c>GET /api/v1/admin/errors</c>.
/// </summary>
public sealed record FailedJobSummary(DateTimeOffset Since, int Failed, IReadOnlyList<ErrorCount> ByBackend, IReadOnlyList<ErrorCount> ByTenant, IReadOnlyList<FailedJob> Jobs)
{
    /// <summary>The summary of <paramref name="failed"/> (newest first, as the store lists them), listing at most <paramref name="limit"/>.</summary>
    public static FailedJobSummary Of(IReadOnlyList<JobHistoryRow> failed, DateTimeOffset since, int limit) => new(
        since,
        failed.Count,
        Count(failed, j => j.Backend),
        Count(failed, j => j.TenantId),
        failed.Take(Math.Max(0, limit)).Select(j => new FailedJob(j.Id, j.TenantId, j.Backend, j.CompletedAt, j.Error ?? string.Empty)).ToList());

    /// <summary>Reads the summary from the store.</summary>
    public static async Task<FailedJobSummary> ReadAsync(IOperationsStore store, DateTimeOffset since, int limit, CancellationToken cancellationToken) =>
        Of(await store.FailedJobsAsync(since, cancellationToken).ConfigureAwait(false), since, limit);

    private static List<ErrorCount> Count(IReadOnlyList<JobHistoryRow> failed, Func<JobHistoryRow, string> key) =>
        failed.GroupBy(key, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ErrorCount(g.Key, g.Count())).ToList();
}
