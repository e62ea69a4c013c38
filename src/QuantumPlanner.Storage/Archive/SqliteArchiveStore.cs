using System.Text.Json;
using Microsoft.Data.Sqlite;
using QuantumPlanner.Storage.Backup;
using QuantumPlanner.Storage.Internal;
using QuantumPlanner.Storage.Sqlite;

namespace QuantumPlanner.Storage.Archive;

/// <summary>
/// Archive SQL on the embedded store. A purge runs on two connections of its own for the whole run, one reading
/// batches and one deleting them (the archive overlaps the two). The deleting one has a 32 MiB page cache instead of
/// SQLite's default 2 MiB: with the default, every delete batch re-reads the index pages the one before it touched,
/// and when the table's order and the indexes' order disagree that is about ten page reads and seven page writes per
/// purged row at a million jobs (the figures are in docs/runbooks/data-safety.md). The reading one keeps the default:
/// it reads each page once (the count at the start, then the batches in order), so a larger cache there only holds
/// pages that are never read again and adds its size to the peak RSS.
/// </summary>
internal sealed class SqliteArchiveStore(StoreLocation store) : IArchiveStore
{
    // The index pages a delete batch touches stay cached for the next one. Memory-mapping the file as well saved page
    // reads but no time, and counts the whole mapped file in the process's RSS.
    private const int WriterCacheKibibytes = 32 * 1024;

    private readonly SqliteDatabase _database = new(store.SqlitePath);
    private readonly Dedicated _reader = new(null);
    private readonly Dedicated _writer = new(WriterCacheKibibytes);

    public async Task<List<ArchivedJob>> NextBatchAsync(DateTimeOffset cutoff, IReadOnlyList<string> statuses, (DateTimeOffset CreatedAt, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        using var connection = await UseAsync(_reader, cancellationToken).ConfigureAwait(false);
        await using var command = connection.Value.CreateCommand();
        command.CommandText =
            $"SELECT {SqliteJobStore.Columns} FROM optimization_jobs WHERE created_at < $cutoff AND status IN (SELECT value FROM json_each($statuses))" +
            (after is null ? string.Empty : " AND (created_at, id) > ($after_created, $after_id)") +
            " ORDER BY created_at, id LIMIT $limit";
        command.Parameters.AddWithValue("$cutoff", Microseconds.SinceEpoch(cutoff));
        command.Parameters.AddWithValue("$statuses", JsonSerializer.Serialize(statuses));
        command.Parameters.AddWithValue("$limit", limit);
        if (after is { } key)
        {
            command.Parameters.AddWithValue("$after_created", Microseconds.SinceEpoch(key.CreatedAt));
            command.Parameters.AddWithValue("$after_id", key.Id.ToString("D"));
        }

        var rows = new List<JobRecord>(limit);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(SqliteJobStore.Read(reader));
            }
        }

        // Finished jobs get no more progress (only a running claim may append), so a second query sees their whole history.
        return await WithProgressAsync(connection.Value, rows, cancellationToken).ConfigureAwait(false);
    }

    public async Task<List<ArchivedJob>> WithProgressAsync(List<JobRecord> jobs, CancellationToken cancellationToken)
    {
        using var connection = await UseAsync(_reader, cancellationToken).ConfigureAwait(false);
        return await WithProgressAsync(connection.Value, jobs, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> DeleteAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        using var connection = await UseAsync(_writer, cancellationToken).ConfigureAwait(false);
        await using var command = connection.Value.CreateCommand();
        command.CommandText = "DELETE FROM optimization_jobs WHERE id IN (SELECT value FROM json_each($ids))";
        command.Parameters.AddWithValue("$ids", IdList(ids));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<(int Jobs, int Progress)> InsertMissingAsync(IReadOnlyList<ArchivedJob> archived, CancellationToken cancellationToken)
    {
        using var connection = await UseAsync(_writer, cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.Value.BeginTransaction(deferred: false);
        await using var command = connection.Value.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            """
            INSERT INTO optimization_jobs (id, tenant_id, status, backend_requested, backend_used, problem, result, problem_hash, idempotency_key,
                attempts, worker_id, lease_expires_at, created_at, started_at, completed_at, error, time_limit_seconds, seed, progress_objective, claim_token)
            VALUES ($id, $tenant, $status, $requested, $used, $problem, $result, $hash, $key, $attempts, $worker, $lease, $created, $started,
                $completed, $error, $limit, $seed, $progress, $token)
            ON CONFLICT DO NOTHING
            """;
        string[] names = ["$id", "$tenant", "$status", "$requested", "$used", "$problem", "$result", "$hash", "$key", "$attempts", "$worker", "$lease", "$created", "$started", "$completed", "$error", "$limit", "$seed", "$progress", "$token"];
        var parameters = names.Select(n => command.Parameters.Add(n, SqliteType.Text)).ToArray();
        var inserted = 0;
        foreach (var job in archived.Select(a => a.Job))
        {
            object?[] values =
            [
                job.Id.ToString("D"), job.TenantId, job.Status.ToStorage(), job.BackendRequested, job.BackendUsed, job.ProblemJson, job.ResultJson,
                job.ProblemHash, job.IdempotencyKey, job.Attempts, job.WorkerId, Micros(job.LeaseExpiresAt), Microseconds.SinceEpoch(job.CreatedAt),
                Micros(job.StartedAt), Micros(job.CompletedAt), job.Error, job.TimeLimitSeconds, job.Seed, job.ProgressObjective, job.ClaimToken,
            ];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].SqliteType = values[i] switch { long or int => SqliteType.Integer, double => SqliteType.Real, _ => SqliteType.Text };
                parameters[i].Value = values[i] ?? DBNull.Value;
            }

            inserted += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // The history of every job now in the store (a job skipped for a taken idempotency key has none to own it);
        // points already there are skipped, so a second restore adds nothing.
        await using var history = connection.Value.CreateCommand();
        history.Transaction = transaction;
        history.CommandText =
            """
            INSERT INTO job_progress (job_id, claim_token, elapsed_ms, objective)
            SELECT $id, $token, $elapsed, $objective WHERE EXISTS (SELECT 1 FROM optimization_jobs WHERE id = $id)
            ON CONFLICT DO NOTHING
            """;
        var id = history.Parameters.Add("$id", SqliteType.Text);
        var token = history.Parameters.Add("$token", SqliteType.Integer);
        var elapsed = history.Parameters.Add("$elapsed", SqliteType.Integer);
        var objective = history.Parameters.Add("$objective", SqliteType.Real);
        var progress = 0;
        foreach (var job in archived)
        {
            id.Value = job.Job.Id.ToString("D");
            foreach (var point in job.Progress)
            {
                (token.Value, elapsed.Value, objective.Value) = (point.ClaimToken, point.ElapsedMilliseconds, point.Objective);
                progress += await history.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (inserted, progress);
    }

    public async Task<IReadOnlyList<(string Status, long Rows, long PayloadBytes)>> CountAsync(DateTimeOffset cutoff, IReadOnlyList<string> statuses, CancellationToken cancellationToken)
    {
        using var connection = await UseAsync(_reader, cancellationToken).ConfigureAwait(false);
        await using var command = connection.Value.CreateCommand();
        command.CommandText =
            """
            SELECT status, count(*), coalesce(sum(length(CAST(problem AS BLOB)) + coalesce(length(CAST(result AS BLOB)), 0)), 0)
            FROM optimization_jobs WHERE created_at < $cutoff AND status IN (SELECT value FROM json_each($statuses)) GROUP BY status ORDER BY status
            """;
        command.Parameters.AddWithValue("$cutoff", Microseconds.SinceEpoch(cutoff));
        command.Parameters.AddWithValue("$statuses", JsonSerializer.Serialize(statuses));
        var counts = new List<(string, long, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _database.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The dedicated connection, opened on first use, held by one caller at a time.</summary>
    private async Task<Dedicated.Lease> UseAsync(Dedicated dedicated, CancellationToken cancellationToken)
    {
        await dedicated.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (dedicated.Connection is null)
            {
                var connection = await _database.OpenDedicatedAsync(cancellationToken).ConfigureAwait(false);
                if (dedicated.CacheKibibytes is { } kibibytes)
                {
                    await using var pragma = connection.CreateCommand();
                    pragma.CommandText = $"PRAGMA cache_size = -{kibibytes}";
                    await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                dedicated.Connection = connection;
            }

            return new Dedicated.Lease(dedicated);
        }
        catch
        {
            dedicated.Gate.Release();
            throw;
        }
    }

    /// <summary>A connection of the purge's own; <paramref name="cacheKibibytes"/> null keeps SQLite's default page cache.</summary>
    private sealed class Dedicated(int? cacheKibibytes) : IAsyncDisposable
    {
        public int? CacheKibibytes => cacheKibibytes;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public SqliteConnection? Connection { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Connection is { } connection)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            Gate.Dispose();
        }

        public readonly struct Lease(Dedicated owner) : IDisposable
        {
            public SqliteConnection Value => owner.Connection!;

            public void Dispose() => owner.Gate.Release();
        }
    }

    private static async Task<List<ArchivedJob>> WithProgressAsync(SqliteConnection connection, List<JobRecord> jobs, CancellationToken cancellationToken)
    {
        await using var history = connection.CreateCommand();
        history.CommandText = "SELECT job_id, claim_token, elapsed_ms, objective FROM job_progress WHERE job_id IN (SELECT value FROM json_each($ids)) ORDER BY job_id, claim_token, elapsed_ms";
        history.Parameters.AddWithValue("$ids", IdList(jobs.Select(j => j.Id)));
        await using var progress = await history.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ArchivedJobs.AttachAsync(jobs, progress, static r => Guid.Parse(r.GetString(0)), cancellationToken).ConfigureAwait(false);
    }

    private static string IdList(IEnumerable<Guid> ids) => JsonSerializer.Serialize(ids.Select(id => id.ToString("D")));

    private static object? Micros(DateTimeOffset? time) => time is { } value ? Microseconds.SinceEpoch(value) : null;
}
