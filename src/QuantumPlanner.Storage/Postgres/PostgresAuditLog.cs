using Npgsql;
using NpgsqlTypes;
using QuantumPlanner.Storage.Audit;

namespace QuantumPlanner.Storage.Postgres;

internal sealed class PostgresAuditLog : IAuditLog
{
    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;

    public PostgresAuditLog(PostgresDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public Task MigrateAsync(CancellationToken cancellationToken = default) => _database.MigrateAsync(_time, cancellationToken);

    public async Task<long> WriteAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        AuditValidation.Check(record);
        await using var command = _database.DataSource.CreateCommand("""
            INSERT INTO audit_log (at, actor_key_id, tenant_id, action, target, details)
            VALUES (@at, @actor, @tenant, @action, @target, @details) RETURNING id
            """);
        command.Parameters.AddWithValue("at", _time.GetUtcNow());
        command.Parameters.AddWithValue("actor", (object?)record.ActorKeyId ?? DBNull.Value);
        command.Parameters.AddWithValue("tenant", (object?)record.TenantId ?? DBNull.Value);
        command.Parameters.AddWithValue("action", record.Action);
        command.Parameters.AddWithValue("target", (object?)record.Target ?? DBNull.Value);
        command.Parameters.Add(new NpgsqlParameter("details", NpgsqlDbType.Jsonb) { Value = (object?)record.DetailsJson ?? DBNull.Value });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = _database.DataSource.CreateCommand();
        command.CommandText = AuditListSql.Build(query, '@', at => at, (name, value) => command.Parameters.AddWithValue(name[1..], value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await AuditListSql.ReadAsync(reader, r => r.GetFieldValue<DateTimeOffset>(1), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
