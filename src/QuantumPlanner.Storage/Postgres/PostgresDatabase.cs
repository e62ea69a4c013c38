using Npgsql;

namespace QuantumPlanner.Storage.Postgres;

/// <summary>One pooled data source per store, plus creating the database itself when it does not exist yet.</summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    public const string DefaultDatabase = "quantum_planner";

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.Database))
        {
            builder.Database = DefaultDatabase;
        }

        // Multiplexing unless the connection string says otherwise: the queue's statements are single round trips
        // without session state, and sharing a few physical connections among many concurrent GETs and claims halved
        // the latency of GET /api/v1/jobs/{id} under load (docs/runbooks/service.md, "Load test"). Transactions
        // (migrations) still bind one connection; their advisory lock is transaction-scoped.
        // NpgsqlConnectionStringBuilder.ContainsKey answers for every keyword it knows; the plain builder only for those given.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Multiplexing"))
        {
            builder.Multiplexing = true;
        }

        // Automatic preparation unless the connection string says otherwise: the queue runs a handful of statements
        // thousands of times, and the fair claim (a recursive CTE with window functions) costs more to parse and plan
        // than to execute. Prepared, PostgreSQL CPU per job fell to about 0.6x in the service load test (long polling,
        // docs/runbooks/service.md, "Load test"). Every statement names its columns, so a later migration that adds a
        // column does not invalidate a cached plan's result type.
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        DatabaseName = builder.Database;
        ConnectionString = builder.ConnectionString;
        DataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c synchronous_commit=off" : builder.Options + " -c synchronous_commit=off";
        RelaxedDataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>Commits wait for the WAL flush: for writes that must survive a database crash (enqueue, complete, fail).</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// Commits return before the WAL flush (synchronous_commit=off): for claims, heartbeats, progress and
    /// releases. A database crash can only roll those back to an earlier lease state, which the queue already
    /// handles (the job is claimed again; the old worker's completion is refused), and each saves an fsync:
    /// on a slow disk that is most of the time of a small job. Reads use it too, so they never queue behind a flush.
    /// </summary>
    public NpgsqlDataSource RelaxedDataSource { get; }

    public string DatabaseName { get; }

    public string ConnectionString { get; }

    public async Task MigrateAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await PostgresMigrations.ApplyAsync(DataSource, time, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            await CreateDatabaseAsync(cancellationToken).ConfigureAwait(false);
            await PostgresMigrations.ApplyAsync(DataSource, time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = DataSource.CreateCommand("SELECT 1");
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is 1;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        await RelaxedDataSource.DisposeAsync().ConfigureAwait(false);
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        await using var admin = NpgsqlDataSource.Create(MaintenanceConnectionString());
        await using var command = admin.CreateCommand($"CREATE DATABASE {Quote(DatabaseName)}");
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another replica created it first.
        }

        // Failed opens are not pooled, but clear anyway so the next open sees the new database.
        DataSource.Clear();
        RelaxedDataSource.Clear();
    }

    private string MaintenanceConnectionString() =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false, Multiplexing = false }.ConnectionString;

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
