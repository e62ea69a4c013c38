using Microsoft.Data.Sqlite;
using Npgsql;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Infrastructure;

/// <summary>
/// Fresh, migrated stores for one test: PostgreSQL databases (qp_ds_&lt;random&gt;, dropped afterwards) on the server
/// of QP_TEST_PG, SQLite data directories under the temp folder. Dispose removes everything it made.
/// </summary>
public sealed class Stores : IAsyncDisposable
{
    public const string PostgresVariable = "QP_TEST_PG";
    private readonly List<string> _databases = [];
    private readonly List<string> _directories = [];

    /// <summary>The QP_TEST_PG server; fails (never skips) without it, since these tests exist to run against it.</summary>
    public static string PostgresServer =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{PostgresVariable} is not set. Maybe run tests/run, or 'source tests/services/postgres.sh' first.");

    public string NewDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "qp-datasafety-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        _directories.Add(path);
        return path;
    }

    /// <summary>A new store of the kind asked for; migrated unless <paramref name="migrate"/> is false.</summary>
    public async Task<StoreLocation> NewAsync(string kind, bool migrate = true)
    {
        StoreLocation store;
        if (kind == "postgresql")
        {
            var name = "qp_ds_" + Guid.NewGuid().ToString("N")[..12];
            await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = "postgres", Pooling = false }.ConnectionString))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                await create.ExecuteNonQueryAsync();
            }

            _databases.Add(name);
            store = new StoreLocation(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ConnectionString, NewDirectory());
        }
        else
        {
            store = new StoreLocation(null, NewDirectory());
        }

        if (migrate)
        {
            await using var jobs = Storage.StorageFactory.CreateJobStore(store.PostgresConnectionString, store.DataDirectory);
            await jobs.MigrateAsync();
        }

        return store;
    }

    /// <summary>A database name on the test server that does not exist yet (dropped at the end if something made it).</summary>
    public StoreLocation NewPostgresTarget()
    {
        var name = "qp_ds_" + Guid.NewGuid().ToString("N")[..12];
        _databases.Add(name);
        return new StoreLocation(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ConnectionString, NewDirectory());
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (_databases.Count > 0)
        {
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            foreach (var name in _databases)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
        }

        foreach (var path in _directories)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a store being disposed elsewhere; the temp folder is cleaned by the OS.
            }
        }
    }
}
