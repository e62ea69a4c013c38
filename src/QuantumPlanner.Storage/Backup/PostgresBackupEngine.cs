using System.Diagnostics;
using Npgsql;

namespace QuantumPlanner.Storage.Backup;

/// <summary>
/// PostgreSQL backups through pg_dump's custom format (compressed, readable by pg_restore --list). The tables are
/// counted and hashed inside the transaction whose snapshot pg_dump uses (--snapshot), so the manifest describes
/// exactly the rows in the dump even while workers keep completing jobs.
/// </summary>
internal static class PostgresBackupEngine
{
    public const string Extension = ".dump";

    public static async Task<(IReadOnlyList<TableStats> Tables, int? SchemaVersion, string ClientVersion)> CreateAsync(
        StoreLocation store, PgTools tools, string targetPath, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(store.PostgresPlain());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var clientVersion = await tools.CheckVersionAsync(connection, cancellationToken).ConfigureAwait(false);

        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        string snapshot;
        await using (var export = new NpgsqlCommand("SET TRANSACTION READ ONLY; SELECT pg_export_snapshot()", connection, transaction))
        {
            snapshot = (string)(await export.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        // pg_dump imports the snapshot when it starts; the exporting transaction stays open until it is done.
        var dump = PgTools.RunAsync(
            tools.DumpPath,
            ["--format=custom", "--no-password", $"--snapshot={snapshot}", $"--file={targetPath}"],
            PgTools.ConnectionEnvironment(store.PostgresConnectionString!, store.PostgresDatabaseName),
            cancellationToken);
        var tables = await TableChecksums.ComputePostgresAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var schemaVersion = await SchemaVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await dump.ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (tables, schemaVersion, clientVersion);
    }

    /// <summary>pg_restore --list: the file is a custom-format archive pg_restore can read.</summary>
    public static async Task ListAsync(PgTools tools, string backupPath, CancellationToken cancellationToken)
    {
        try
        {
            await PgTools.RunAsync(tools.RestorePath, ["--list", backupPath], null, cancellationToken).ConfigureAwait(false);
        }
        catch (DataSafetyException exception)
        {
            throw new DataSafetyException($"{backupPath}: pg_restore --list cannot read it ({exception.Message}).", exception);
        }
    }

    /// <summary>Restores into <paramref name="target"/> (which must exist); with <paramref name="clean"/> existing objects are dropped first. The time it took.</summary>
    public static async Task<TimeSpan> RestoreAsync(PgTools tools, string backupPath, StoreLocation target, bool clean, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        List<string> arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--no-password", $"--dbname={target.PostgresDatabaseName}"];
        if (clean)
        {
            arguments.AddRange(["--clean", "--if-exists", "--single-transaction"]);
        }

        arguments.Add(backupPath);
        try
        {
            await PgTools.RunAsync(tools.RestorePath, arguments, PgTools.ConnectionEnvironment(target.PostgresConnectionString!, target.PostgresDatabaseName), cancellationToken).ConfigureAwait(false);
        }
        catch (DataSafetyException exception)
        {
            throw new DataSafetyException($"{backupPath}: restoring into {target.PostgresDatabaseName} failed ({exception.Message}).", exception);
        }

        return clock.Elapsed;
    }

    /// <summary>Number of tables and of jobs in the target's schema, to refuse overwriting a database in use.</summary>
    public static async Task<(int Tables, long Jobs)> ContentsAsync(StoreLocation target, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(target.PostgresPlain());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT count(*)::int, bool_or(table_name = 'optimization_jobs') FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var tables = reader.GetInt32(0);
        var hasJobs = !reader.IsDBNull(1) && reader.GetBoolean(1);
        await reader.CloseAsync().ConfigureAwait(false);
        if (!hasJobs)
        {
            return (tables, 0);
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM optimization_jobs", connection);
        return (tables, (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
    }

    public static async Task CreateDatabaseIfMissingAsync(StoreLocation server, string database, CancellationToken cancellationToken)
    {
        await using var admin = new NpgsqlConnection(server.PostgresPlain("postgres"));
        await admin.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {TableChecksums.QuoteIdentifier(database)}", admin);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task DropDatabaseAsync(StoreLocation server, string database, CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(server.PostgresPlain("postgres"));
        await admin.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {TableChecksums.QuoteIdentifier(database)} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int?> SchemaVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection, transaction);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
        {
            return null;
        }

        await using var command = new NpgsqlCommand("SELECT max(version) FROM schema_migrations", connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int version ? version : null;
    }
}
