using Npgsql;
using NpgsqlTypes;
using QuantumPlanner.Storage.Backup;
using QuantumPlanner.Storage.Postgres;

namespace QuantumPlanner.Storage.Archive;

internal sealed class PostgresArchiveStore(StoreLocation store) : IArchiveStore
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(store.PostgresPlain());

    public async Task<List<JobRecord>> NextBatchAsync(DateTimeOffset cutoff, IReadOnlyList<string> statuses, (DateTimeOffset CreatedAt, Guid Id)? after, int limit, CancellationToken cancellationToken)
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
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(PostgresJobStore.Read(reader));
        }

        return rows;
    }

    public async Task<int> DeleteAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand("DELETE FROM optimization_jobs WHERE id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", ids.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> InsertMissingAsync(IReadOnlyList<JobRecord> jobs, CancellationToken cancellationToken)
    {
        if (jobs.Count == 0)
        {
            return 0;
        }

        // One statement over arrays: a round trip per batch, not per row.
        await using var command = _source.CreateCommand(
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
            """);
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
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
