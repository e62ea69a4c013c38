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
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = AuditListSql.Build(query, '$', at => Microseconds.SinceEpoch(at), (name, value) => command.Parameters.AddWithValue(name, value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await AuditListSql.ReadAsync(reader, r => Microseconds.ToTime(r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
