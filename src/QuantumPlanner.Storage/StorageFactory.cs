using Microsoft.Extensions.Logging;
using QuantumPlanner.Storage.Caching;
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

    /// <summary>Operator queries (reports, database care, housekeeping) on the same store the service uses.</summary>
    public static Operations.IOperationsStore CreateOperationsStore(string? postgresConnectionString, string dataDirectory, TimeProvider? timeProvider = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        return string.IsNullOrWhiteSpace(postgresConnectionString)
            ? new Operations.SqliteOperationsStore(new SqliteDatabase(SqlitePath(dataDirectory)), time)
            : new Operations.PostgresOperationsStore(postgresConnectionString, time);
    }

    public static IAuditLog CreateAuditLog(string? postgresConnectionString, string dataDirectory, TimeProvider? timeProvider = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        return string.IsNullOrWhiteSpace(postgresConnectionString)
            ? new SqliteAuditLog(new SqliteDatabase(SqlitePath(dataDirectory)), time)
            : new PostgresAuditLog(new PostgresDatabase(postgresConnectionString), time);
    }

    /// <summary>
    /// Redis when an endpoint is given (e.g. "localhost:6379"), otherwise an in-memory cache bounded to
    /// <paramref name="memoryCacheMegabytes"/> MiB of stored JSON (two bytes a character).
    /// </summary>
    public static IResultCache CreateResultCache(string? redisConfiguration, ILogger? logger = null, int memoryCacheMegabytes = 64)
    {
        if (!string.IsNullOrWhiteSpace(redisConfiguration))
        {
            return new RedisResultCache(redisConfiguration, logger);
        }

        if (memoryCacheMegabytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(memoryCacheMegabytes), memoryCacheMegabytes, "The in-memory cache needs at least 1 MiB. Maybe 16.");
        }

        return new MemoryResultCache(maxCharacters: memoryCacheMegabytes * 1024L * 1024 / 2);
    }

    /// <summary>"postgresql" or "sqlite", for health output and logs.</summary>
    public static string KindOf(string? postgresConnectionString) =>
        string.IsNullOrWhiteSpace(postgresConnectionString) ? "sqlite" : "postgresql";

    public static string SqlitePath(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        return Path.Combine(dataDirectory, SqliteFileName);
    }
}
