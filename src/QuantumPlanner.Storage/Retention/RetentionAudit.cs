using System.Data.Common;
using System.Text.Json;
using Npgsql;
using QuantumPlanner.Storage.Archive;
using QuantumPlanner.Storage.Backup;
using QuantumPlanner.Storage.Internal;

namespace QuantumPlanner.Storage.Retention;

/// <summary>Jobs of one tenant in one age band and status.</summary>
public sealed record RetentionCell(string Band, string Status, long Rows);

/// <summary>One tenant's part of the audit. <see cref="PastPolicy"/> counts finished jobs older than the policy.</summary>
public sealed record TenantRetention(string Tenant, long Rows, DateTimeOffset? Oldest, long PayloadBytes, long PastPolicy, IReadOnlyList<RetentionCell> Cells);

/// <summary>The last archive purge as <see cref="Archives.LastPurgeSetting"/> records it.</summary>
public sealed record LastPurge(DateTimeOffset At, long Rows, string? File);

public sealed record RetentionReport(int PolicyDays, DateTimeOffset GeneratedAt, LastPurge? LastPurge, IReadOnlyList<TenantRetention> Tenants)
{
    public long PastPolicy => Tenants.Sum(t => t.PastPolicy);

    public bool Ok => PastPolicy == 0;
}

/// <summary>
/// The runbook's retention audit: per tenant, jobs by age band (0–30, 30–90, 90–365, 365+ days) and status, the
/// oldest, payload bytes (problem + result as stored), and the finished jobs kept past the policy.
/// </summary>
public static class RetentionAudit
{
    public const int DefaultPolicyDays = 90;

    public static readonly IReadOnlyList<string> Bands = ["0-30d", "30-90d", "90-365d", "365d+"];

    public static async Task<RetentionReport> RunAsync(StoreLocation store, int policyDays, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(policyDays, 1);
        await using var connection = await OpenAsync(store, cancellationToken).ConfigureAwait(false);
        var payload = store.IsPostgres
            ? "pg_column_size(problem) + coalesce(pg_column_size(result), 0)"
            : "length(CAST(problem AS BLOB)) + coalesce(length(CAST(result AS BLOB)), 0)";
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"""
            SELECT tenant_id, status,
                CASE WHEN created_at >= @d30 THEN 0 WHEN created_at >= @d90 THEN 1 WHEN created_at >= @d365 THEN 2 ELSE 3 END AS band,
                count(*), min(created_at), coalesce(sum({payload}), 0),
                sum(CASE WHEN created_at < @policy AND status IN ('completed', 'failed', 'cancelled') THEN 1 ELSE 0 END)
            FROM optimization_jobs
            GROUP BY tenant_id, status, band
            ORDER BY tenant_id, band, status
            """;
        Add(command, store, "@d30", now - TimeSpan.FromDays(30));
        Add(command, store, "@d90", now - TimeSpan.FromDays(90));
        Add(command, store, "@d365", now - TimeSpan.FromDays(365));
        Add(command, store, "@policy", now - TimeSpan.FromDays(policyDays));

        var tenants = new List<TenantRetention>();
        string? tenant = null;
        var cells = new List<RetentionCell>();
        long rows = 0, bytes = 0, past = 0;
        DateTimeOffset? oldest = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                if (tenant is not null && name != tenant)
                {
                    tenants.Add(new TenantRetention(tenant, rows, oldest, bytes, past, cells));
                    (cells, rows, bytes, past, oldest) = ([], 0, 0, 0, null);
                }

                tenant = name;
                var count = Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture);
                cells.Add(new RetentionCell(Bands[Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)], reader.GetString(1), count));
                rows += count;
                var first = store.IsPostgres ? reader.GetFieldValue<DateTimeOffset>(4) : Microseconds.ToTime(reader.GetInt64(4));
                oldest = oldest is { } o && o <= first ? o : first;
                bytes += Convert.ToInt64(reader.GetValue(5), System.Globalization.CultureInfo.InvariantCulture);
                past += Convert.ToInt64(reader.GetValue(6), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        if (tenant is not null)
        {
            tenants.Add(new TenantRetention(tenant, rows, oldest, bytes, past, cells));
        }

        return new RetentionReport(policyDays, now, await LastPurgeAsync(connection, cancellationToken).ConfigureAwait(false), tenants);
    }

    private static async Task<LastPurge?> LastPurgeAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = connection is NpgsqlConnection ? "SELECT value::text FROM settings WHERE key = @key" : "SELECT value FROM settings WHERE key = @key";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@key";
        parameter.Value = Archives.LastPurgeSetting;
        command.Parameters.Add(parameter);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string json)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new LastPurge(root.GetProperty("at").GetDateTimeOffset(), root.GetProperty("rows").GetInt64(), root.TryGetProperty("file", out var file) ? file.GetString() : null);
    }

    internal static async Task<DbConnection> OpenAsync(StoreLocation store, CancellationToken cancellationToken)
    {
        if (store.IsPostgres)
        {
            var connection = new NpgsqlConnection(store.PostgresPlain());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }

        return await SqliteFiles.OpenReadOnlyAsync(store.SqlitePath, cancellationToken).ConfigureAwait(false);
    }

    internal static void Add(DbCommand command, StoreLocation store, string name, DateTimeOffset time)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = store.IsPostgres ? time : Microseconds.SinceEpoch(time);
        command.Parameters.Add(parameter);
    }
}
