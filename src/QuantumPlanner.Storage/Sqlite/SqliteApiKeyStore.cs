using Microsoft.Data.Sqlite;
using QuantumPlanner.Storage.Internal;

namespace QuantumPlanner.Storage.Sqlite;

internal sealed class SqliteApiKeyStore : IApiKeyStore
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteApiKeyStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public Task MigrateAsync(CancellationToken cancellationToken = default) => SqliteMigrations.ApplyAsync(_database, _time, cancellationToken);

    public async Task<CreatedApiKey> CreateAsync(string tenantId, bool admin, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var (plainKey, id, salt, hash) = ApiKeyFormat.Generate();
        var now = Microseconds.Truncate(_time.GetUtcNow());
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO api_keys (id, tenant_id, admin, salt, hash, created_at) VALUES ($id, $tenant, $admin, $salt, $hash, $now)";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$tenant", tenantId);
        command.Parameters.AddWithValue("$admin", admin ? 1 : 0);
        command.Parameters.AddWithValue("$salt", salt);
        command.Parameters.AddWithValue("$hash", hash);
        command.Parameters.AddWithValue("$now", Microseconds.SinceEpoch(now));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new CreatedApiKey(plainKey, new ApiKeyInfo(id, tenantId, admin, now, null));
    }

    public async Task<ApiKeyInfo?> VerifyAsync(string plainKey, CancellationToken cancellationToken = default)
    {
        if (!ApiKeyFormat.TryParse(plainKey, out var id, out var secret))
        {
            return null;
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, tenant_id, admin, created_at, revoked_at, salt, hash FROM api_keys WHERE id = $id AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var info = Read(reader);
        return ApiKeyFormat.Matches(reader.GetFieldValue<byte[]>(5), reader.GetFieldValue<byte[]>(6), secret) ? info : null;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var keys = new List<ApiKeyInfo>();
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, tenant_id, admin, created_at, revoked_at FROM api_keys ORDER BY created_at, id";
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
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE api_keys SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL";
        command.Parameters.AddWithValue("$id", ApiKeyFormat.IdOf(id));
        command.Parameters.AddWithValue("$now", Microseconds.SinceEpoch(_time.GetUtcNow()));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL)";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private static ApiKeyInfo Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetInt64(2) != 0,
        Microseconds.ToTime(r.GetInt64(3)),
        r.IsDBNull(4) ? null : Microseconds.ToTime(r.GetInt64(4)));
}
