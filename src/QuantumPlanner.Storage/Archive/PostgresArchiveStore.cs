using Npgsql;
using NpgsqlTypes;
using QuantumPlanner.Storage.Backup;
using QuantumPlanner.Storage.Postgres;

namespace QuantumPlanner.Storage.Archive;

internal sealed class PostgresArchiveStore(StoreLocation store) : IArchiveStore
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(store.PostgresPlain());

    public async Task<List<ArchivedJob>> NextBatchAsync(DateTimeOffset cutoff, IReadOnlyList<string> statuses, (DateTimeOffset CreatedAt, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(
            $"SELECT {PostgresJobStore.Columns} FROM optimization_jobs WHERE created_at < @cutoff AND status = ANY(@statuses)" +
            (after is null ? string.Empty : " AND (created_at, id) > (@after_created, @after_id)") +
            " ORDER BY created_at, id LIMIT @limit");
        command.Parameters.AddWithValue("cutoff", cutoff);
        command.Parameters.AddWithValue("statuses", statuses.ToArray());
        command.Parameters.AddWithValue("limit", limit);
        if (after is { } key)
        {
            command.Parameters.AddWithValue("after_created", key.CreatedAt);
            command.Parameters.AddWithValue("after_id", key.Id);
        }

        var rows = new List<JobRecord>(limit);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(PostgresJobStore.Read(reader));
            }
        }

        // Finished jobs get no more progress (only a running claim may append), so a second query sees their whole history.
        return await WithProgressAsync(rows, cancellationToken).ConfigureAwait(false);
    }

    public async Task<List<ArchivedJob>> WithProgressAsync(List<JobRecord> jobs, CancellationToken cancellationToken)
    {
        await using var history = _source.CreateCommand("SELECT job_id, claim_token, elapsed_ms, objective FROM job_progress WHERE job_id = ANY(@ids) ORDER BY job_id, claim_token, elapsed_ms");
        history.Parameters.AddWithValue("ids", jobs.ConvertAll(j => j.Id).ToArray());
        await using var progress = await history.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ArchivedJobs.AttachAsync(jobs, progress, static r => r.GetGuid(0), cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> DeleteAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand("DELETE FROM optimization_jobs WHERE id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<(int Jobs, int Progress)> InsertMissingAsync(IReadOnlyList<ArchivedJob> archived, CancellationToken cancellationToken)
    {
        if (archived.Count == 0)
        {
            return (0, 0);
        }

        var jobs = archived.Select(a => a.Job).ToList();
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // One statement over arrays: a round trip per batch, not per row.
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO optimization_jobs (id, tenant_id, status, backend_requested, backend_used, problem, result, problem_hash, idempotency_key,
                attempts, worker_id, lease_expires_at, created_at, started_at, completed_at, error, time_limit_seconds, seed, progress_objective, claim_token)
            SELECT id, tenant_id, status, backend_requested, backend_used, problem::jsonb, result::jsonb, problem_hash, idempotency_key,
                attempts, worker_id, lease_expires_at, created_at, started_at, completed_at, error, time_limit_seconds, seed, progress_objective, claim_token
            FROM unnest(@id, @tenant, @status, @requested, @used, @problem, @result, @hash, @key, @attempts, @worker, @lease, @created, @started,
                @completed, @error, @limit, @seed, @progress, @token)
                AS t(id, tenant_id, status, backend_requested, backend_used, problem, result, problem_hash, idempotency_key, attempts, worker_id,
                     lease_expires_at, created_at, started_at, completed_at, error, time_limit_seconds, seed, progress_objective, claim_token)
            ON CONFLICT DO NOTHING
            """,
            connection,
            transaction);
        var p = command.Parameters;
        p.AddWithValue("id", jobs.Select(j => j.Id).ToArray());
        p.AddWithValue("tenant", jobs.Select(j => j.TenantId).ToArray());
        p.AddWithValue("status", jobs.Select(j => j.Status.ToStorage()).ToArray());
        p.AddWithValue("requested", jobs.Select(j => j.BackendRequested).ToArray());
        p.AddWithValue("used", NpgsqlDbType.Array | NpgsqlDbType.Text, jobs.Select(j => j.BackendUsed).ToArray());
        p.AddWithValue("problem", jobs.Select(j => j.ProblemJson).ToArray());
        p.AddWithValue("result", NpgsqlDbType.Array | NpgsqlDbType.Text, jobs.Select(j => j.ResultJson).ToArray());
        p.AddWithValue("hash", jobs.Select(j => j.ProblemHash).ToArray());
        p.AddWithValue("key", NpgsqlDbType.Array | NpgsqlDbType.Text, jobs.Select(j => j.IdempotencyKey).ToArray());
        p.AddWithValue("attempts", jobs.Select(j => j.Attempts).ToArray());
        p.AddWithValue("worker", NpgsqlDbType.Array | NpgsqlDbType.Text, jobs.Select(j => j.WorkerId).ToArray());
        p.AddWithValue("lease", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, jobs.Select(j => j.LeaseExpiresAt).ToArray());
        p.AddWithValue("created", jobs.Select(j => j.CreatedAt).ToArray());
        p.AddWithValue("started", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, jobs.Select(j => j.StartedAt).ToArray());
        p.AddWithValue("completed", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, jobs.Select(j => j.CompletedAt).ToArray());
        p.AddWithValue("error", NpgsqlDbType.Array | NpgsqlDbType.Text, jobs.Select(j => j.Error).ToArray());
        p.AddWithValue("limit", jobs.Select(j => j.TimeLimitSeconds).ToArray());
        p.AddWithValue("seed", jobs.Select(j => j.Seed).ToArray());
        p.AddWithValue("progress", NpgsqlDbType.Array | NpgsqlDbType.Double, jobs.Select(j => j.ProgressObjective).ToArray());
        p.AddWithValue("token", jobs.Select(j => j.ClaimToken).ToArray());
        var inserted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        // The history of every job now in the store (a job skipped for a taken idempotency key has none to own it);
        // points already there are skipped, so a second restore adds nothing.
        var points = archived.SelectMany(a => a.Progress.Select(point => (a.Job.Id, point))).ToList();
        var progress = 0;
        if (points.Count > 0)
        {
            await using var history = new NpgsqlCommand(
                """
                INSERT INTO job_progress (job_id, claim_token, elapsed_ms, objective)
                SELECT t.job_id, t.claim_token, t.elapsed_ms, t.objective
                FROM unnest(@job, @token, @elapsed, @objective) AS t(job_id, claim_token, elapsed_ms, objective)
                WHERE EXISTS (SELECT 1 FROM optimization_jobs j WHERE j.id = t.job_id)
                ON CONFLICT DO NOTHING
                """,
                connection,
                transaction);
            history.Parameters.AddWithValue("job", points.Select(x => x.Id).ToArray());
            history.Parameters.AddWithValue("token", points.Select(x => x.point.ClaimToken).ToArray());
            history.Parameters.AddWithValue("elapsed", points.Select(x => x.point.ElapsedMilliseconds).ToArray());
            history.Parameters.AddWithValue("objective", points.Select(x => x.point.Objective).ToArray());
            progress = await history.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (inserted, progress);
    }

    public async Task<IReadOnlyList<(string Status, long Rows, long PayloadBytes)>> CountAsync(DateTimeOffset cutoff, IReadOnlyList<string> statuses, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand(
            """
            SELECT status, count(*), coalesce(sum(octet_length(problem::text) + coalesce(octet_length(result::text), 0)), 0)::bigint
            FROM optimization_jobs WHERE created_at < @cutoff AND status = ANY(@statuses) GROUP BY status ORDER BY status
            """);
        command.Parameters.AddWithValue("cutoff", cutoff);
        command.Parameters.AddWithValue("statuses", statuses.ToArray());
        var counts = new List<(string, long, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts.Add((reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return counts;
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
