using Microsoft.Data.Sqlite;
using Npgsql;

namespace QuantumPlanner.Storage;

/// <summary>What a store exception means for the caller: retry later, out of space, or the data itself is refused.</summary>
public enum StoreErrorKind
{
    /// <summary>Not a store error.</summary>
    None,

    /// <summary>The database is unreachable, restarting, overloaded or busy: the same request can succeed later (503).</summary>
    Transient,

    /// <summary>The database has no space left (SQLite SQLITE_FULL, PostgreSQL 53100): an outage an operator must fix (507).</summary>
    Full,

    /// <summary>The database refuses this data (e.g. a NUL character jsonb cannot hold): retrying never helps (422, or a failed job).</summary>
    Data,
}

/// <summary>
/// The one classification of store exceptions, so that only outages are answered 503 + Retry-After and a request that
/// can never succeed is not told to retry.
/// </summary>
public static class StoreErrors
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteProtocol = 15;

    public static StoreErrorKind Classify(Exception exception) => exception switch
    {
        PostgresException { SqlState: "53100" } => StoreErrorKind.Full,
        // SQLSTATE classes 22 (data exception) and 23 (integrity constraint) are about the values sent.
        PostgresException postgres when postgres.SqlState.StartsWith("22", StringComparison.Ordinal) || postgres.SqlState.StartsWith("23", StringComparison.Ordinal) => StoreErrorKind.Data,
        PostgresException postgres => postgres.IsTransient ? StoreErrorKind.Transient : StoreErrorKind.None,
        // Connection refused, reset, timed out, pool exhausted: Npgsql wraps them in a plain NpgsqlException.
        NpgsqlException => StoreErrorKind.Transient,
        SqliteException { SqliteErrorCode: SqliteFull } => StoreErrorKind.Full,
        SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked or SqliteIoError or SqliteCantOpen or SqliteProtocol } => StoreErrorKind.Transient,
        SqliteException => StoreErrorKind.None,
        TimeoutException or System.Net.Sockets.SocketException => StoreErrorKind.Transient,
        _ => exception.InnerException is { } inner ? Classify(inner) : StoreErrorKind.None,
    };

    /// <summary>A short description of a data error for the client: the database's own reason, no SQL, no stack.</summary>
    public static string DataReason(Exception exception) => exception switch
    {
        PostgresException postgres => $"{postgres.MessageText} (SQLSTATE {postgres.SqlState})",
        SqliteException sqlite => sqlite.Message,
        _ => exception.InnerException is { } inner ? DataReason(inner) : exception.Message,
    };
}
