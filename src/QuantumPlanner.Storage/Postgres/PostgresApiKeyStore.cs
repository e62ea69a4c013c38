using Npgsql;
using QuantumPlanner.Storage.Internal;

namespace QuantumPlanner.Storage.Postgres;

internal sealed class PostgresApiKeyStore : IApiKeyStore
{
    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;

    public PostgresApiKeyStore(PostgresDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public Task MigrateAsync(CancellationToken cancellationToken = default) => _database.MigrateAsync(_time, cancellationToken);

    public async Task<CreatedApiKey> CreateAsync(string tenantId, bool admin, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        expiresAt = ApiKeyFormat.CheckExpiry(expiresAt, _time.GetUtcNow());
        var (plainKey, id, salt, hash) = ApiKeyFormat.Generate();
        var now = Microseconds.Truncate(_time.GetUtcNow());
        await using var command = _database.DataSource.CreateCommand(
            "INSERT INTO api_keys (id, tenant_id, admin, salt, hash, created_at, expires_at) VALUES (@id, @tenant, @admin, @salt, @hash, @now, @expires)");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("admin", admin);
        command.Parameters.AddWithValue("salt", salt);
        command.Parameters.AddWithValue("hash", hash);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.Add(new NpgsqlParameter("expires", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = expiresAt is { } e ? e : DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new CreatedApiKey(plainKey, new ApiKeyInfo(id, tenantId, admin, now, null) { ExpiresAt = expiresAt });
    }

    public async Task<ApiKeyInfo?> VerifyAsync(string plainKey, CancellationToken cancellationToken = default)
    {
        if (!ApiKeyFormat.TryParse(plainKey, out var id, out var secret))
        {
            return null;
        }

        var now = Microseconds.Truncate(_time.GetUtcNow());
        ApiKeyInfo info;
        await using (var command = _database.DataSource.CreateCommand(
            $"SELECT {KeyColumns}, salt, hash FROM api_keys WHERE id = @id AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)"))
        {
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("now", now);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                || !ApiKeyFormat.Matches(reader.GetFieldValue<byte[]>(7), reader.GetFieldValue<byte[]>(8), secret))
            {
                return null;
            }

            info = Read(reader);
        }

        await using var used = _database.DataSource.CreateCommand("UPDATE api_keys SET last_used_at = @now WHERE id = @id");
        used.Parameters.AddWithValue("id", id);
        used.Parameters.AddWithValue("now", now);
        await used.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return info with { LastUsedAt = now };
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var keys = new List<ApiKeyInfo>();
        await using var command = _database.DataSource.CreateCommand(
            $"SELECT {KeyColumns} FROM api_keys ORDER BY created_at, id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = _database.DataSource.CreateCommand("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL");
        command.Parameters.AddWithValue("id", ApiKeyFormat.IdOf(id));
        command.Parameters.AddWithValue("now", Microseconds.Truncate(_time.GetUtcNow()));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _database.DataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now))");
        command.Parameters.AddWithValue("now", Microseconds.Truncate(_time.GetUtcNow()));
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private const string KeyColumns = "id, tenant_id, admin, created_at, revoked_at, expires_at, last_used_at";

    private static ApiKeyInfo Read(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetBoolean(2),
        r.GetFieldValue<DateTimeOffset>(3),
        r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4))
    {
        ExpiresAt = r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
        LastUsedAt = r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
    };
}
