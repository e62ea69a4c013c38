using Microsoft.Extensions.Logging;
using QuantumPlanner.Storage.Postgres;
using QuantumPlanner.Storage.Sqlite;

namespace QuantumPlanner.Storage;

/// <summary>
/// The one way to make stores: PostgreSQL when a connection string is given, otherwise the SQLite file
/// <c>jobs.db</c> in the data directory. Stores are thread-safe singletons; call MigrateAsync once at start-up.
/// </summary>
public static class StorageFactory
{
    public const string SqliteFileName = SqliteDatabase.FileName;

    /// <summary>Database name used when the PostgreSQL connection string names none.</summary>
    public const string DefaultPostgresDatabase = PostgresDatabase.DefaultDatabase;

    public static IJobStore CreateJobStore(string? postgresConnectionString, string dataDirectory, TimeProvider? timeProvider = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        return string.IsNullOrWhiteSpace(postgresConnectionString)
            ? new SqliteJobStore(new SqliteDatabase(SqlitePath(dataDirectory)), time)
            : new PostgresJobStore(new PostgresDatabase(postgresConnectionString), time);
    }

    public static IApiKeyStore CreateApiKeyStore(string? postgresConnectionString, string dataDirectory, TimeProvider? timeProvider = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        return string.IsNullOrWhiteSpace(postgresConnectionString)
            ? new SqliteApiKeyStore(new SqliteDatabase(SqlitePath(dataDirectory)), time)
            : new PostgresApiKeyStore(new PostgresDatabase(postgresConnectionString), time);
    }

    /// <summary>Redis when an endpoint is given (e.g. "localhost:6379"), otherwise a bounded in-memory cache.</summary>
    public static IResultCache CreateResultCache(string? redisConfiguration, ILogger? logger = null) =>
        string.IsNullOrWhiteSpace(redisConfiguration)
            ? new MemoryResultCache()
            : new RedisResultCache(redisConfiguration, logger);

    /// <summary>"postgresql" or "sqlite", for health output and logs.</summary>
    public static string KindOf(string? postgresConnectionString) =>
        string.IsNullOrWhiteSpace(postgresConnectionString) ? "sqlite" : "postgresql";

    public static string SqlitePath(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        return Path.Combine(dataDirectory, SqliteFileName);
    }
}
