using Npgsql;

namespace QuantumPlanner.Storage.Backup;

/// <summary>
/// Which store an ops verb works on, chosen like <c>serve</c>: PostgreSQL when a connection string is given,
/// otherwise the SQLite file in the data directory.
/// </summary>
public sealed record StoreLocation(string? PostgresConnectionString, string DataDirectory)
{
    public bool IsPostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    /// <summary>"postgresql" or "sqlite".</summary>
    public string Kind => StorageFactory.KindOf(PostgresConnectionString);

    public string SqlitePath => StorageFactory.SqlitePath(DataDirectory);

    /// <summary>The database name (PostgreSQL) or the file path (SQLite), for messages; never the password.</summary>
    public string DisplayName => IsPostgres ? PostgresDatabaseName : SqlitePath;

    public string PostgresDatabaseName
    {
        get
        {
            var database = new NpgsqlConnectionStringBuilder(PostgresConnectionString).Database;
            return string.IsNullOrEmpty(database) ? StorageFactory.DefaultPostgresDatabase : database;
        }
    }

    /// <summary>
    /// A plain connection string (no multiplexing, so transactions and snapshots bind one connection) for
    /// <paramref name="database"/>, or the configured database when null.
    /// </summary>
    internal string PostgresPlain(string? database = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString)
        {
            Multiplexing = false,
            Database = database ?? PostgresDatabaseName,
        };
        return builder.ConnectionString;
    }
}
