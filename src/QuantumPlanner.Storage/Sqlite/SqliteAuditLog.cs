using System.Text;
using QuantumPlanner.Storage.Audit;
using QuantumPlanner.Storage.Internal;

namespace QuantumPlanner.Storage.Sqlite;

internal sealed class SqliteAuditLog : IAuditLog
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteAuditLog(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public Task MigrateAsync(CancellationToken cancellationToken = default) => SqliteMigrations.ApplyAsync(_database, _time, cancellationToken);

    public async Task<long> WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        AuditValidation.Check(record);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO audit_log (at, actor_key_id, tenant_id, action, target, details)
            VALUES ($at, $actor, $tenant, $action, $target, $details) RETURNING id
            """;
        command.Parameters.AddWithValue("$at", Microseconds.SinceEpoch(_time.GetUtcNow()));
        command.Parameters.AddWithValue("$actor", (object?)record.ActorKeyId ?? DBNull.Value);
        command.Parameters.AddWithValue("$tenant", (object?)record.TenantId ?? DBNull.Value);
        command.Parameters.AddWithValue("$action", record.Action);
        command.Parameters.AddWithValue("$target", (object?)record.Target ?? DBNull.Value);
        command.Parameters.AddWithValue("$details", (object?)record.DetailsJson ?? DBNull.Value);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var limit = AuditValidation.Limit(query);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT id, at, action, actor_key_id, tenant_id, target, details FROM audit_log WHERE 1 = 1");
        if (query.Since is { } since)
        {
            sql.Append(" AND at >= $since");
            command.Parameters.AddWithValue("$since", Microseconds.SinceEpoch(since));
        }

        if (query.Action is not null)
        {
            sql.Append(" AND action = $action");
            command.Parameters.AddWithValue("$action", query.Action);
        }

        if (query.TenantId is not null)
        {
            sql.Append(" AND tenant_id = $tenant");
            command.Parameters.AddWithValue("$tenant", query.TenantId);
        }

        sql.Append(" ORDER BY at DESC, id DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", limit);
        command.CommandText = sql.ToString();
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0),
                Microseconds.ToTime(reader.GetInt64(1)),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return entries;
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
