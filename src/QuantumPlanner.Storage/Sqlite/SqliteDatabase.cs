using Microsoft.Data.Sqlite;

namespace QuantumPlanner.Storage.Sqlite;

/// <summary>
/// The embedded store file. Every operation opens a pooled connection; write transactions use
/// BEGIN IMMEDIATE so SQLite's single writer is taken up front (no deadlock on lock upgrade), and
/// busy_timeout makes concurrent writers wait instead of failing.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    public const string FileName = "jobs.db";
    private const int BusyTimeoutMilliseconds = 10_000;
    private readonly string _unpooled;
    private bool _walEnabled;

    public SqliteDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        };
        ConnectionString = builder.ToString();
        builder.Pooling = false;
        _unpooled = builder.ToString();
    }

    public string Path { get; }

    public string ConnectionString { get; }

    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(ConnectionString, cancellationToken);

    /// <summary>
    /// A connection outside the pool, for one long piece of work that sets its own per-connection pragmas (a page
    /// cache sized for it) which must not stay on a handle the service's short operations reuse.
    /// </summary>
    public Task<SqliteConnection> OpenDedicatedAsync(CancellationToken cancellationToken) => OpenAsync(_unpooled, cancellationToken);

    private async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // busy_timeout and synchronous are per connection (pooled handles keep them, re-setting is cheap);
            // synchronous=NORMAL in WAL mode is durable against process crashes, the failure the queue must
            // survive, and only risks the last commits on power loss. WAL itself is stored in the file, so it is
            // switched on once: readers then run beside the one writer.
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = Volatile.Read(ref _walEnabled)
                ? $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;"
                : $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _walEnabled, true);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is 1L;
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        // Pooled handles keep the file open (and its WAL un-checkpointed) until the pool is cleared.
        SqliteConnection.ClearPool(new SqliteConnection(ConnectionString));
        return ValueTask.CompletedTask;
    }
}
