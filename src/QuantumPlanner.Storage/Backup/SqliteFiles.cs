using Microsoft.Data.Sqlite;

namespace QuantumPlanner.Storage.Backup;

/// <summary>
/// Unpooled connections to SQLite files that are not the service's live store (backup copies, scratch restores), so
/// their handles close with the connection and the file can be moved or deleted right after.
/// </summary>
internal static class SqliteFiles
{
    public static async Task<SqliteConnection> OpenReadOnlyAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new DataSafetyException($"The SQLite store {path} does not exist. Maybe pass --data-dir with the directory that holds {StorageFactory.SqliteFileName}.");
        }

        return await OpenAsync(path, SqliteOpenMode.ReadOnly, cancellationToken).ConfigureAwait(false);
    }

    public static Task<SqliteConnection> OpenReadWriteAsync(string path, CancellationToken cancellationToken) =>
        OpenAsync(path, SqliteOpenMode.ReadWriteCreate, cancellationToken);

    public static async Task<int?> SchemaVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        command.CommandText = "SELECT max(version) FROM schema_migrations";
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? (int)version : null;
    }

    private static async Task<SqliteConnection> OpenAsync(string path, SqliteOpenMode mode, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 30000";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
