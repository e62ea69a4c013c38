using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using QuantumPlanner.Storage.Internal;

namespace QuantumPlanner.Storage.Sqlite;

/// <summary>
/// The job queue in an SQLite file. SQLite has one writer at a time, so a claim is a BEGIN IMMEDIATE
/// transaction: whoever holds the write lock picks and marks the job, nobody else can see it as claimable.
/// That serialises workers across threads and processes sharing the file, which is what SKIP LOCKED buys
/// on PostgreSQL.
/// </summary>
internal sealed class SqliteJobStore : IJobStore
{
    internal const string Columns =
        "id, tenant_id, status, backend_requested, backend_used, problem, result, problem_hash, idempotency_key, attempts, worker_id, " +
        "lease_expires_at, created_at, started_at, completed_at, error, time_limit_seconds, seed, progress_objective, claim_token";

    private const string ClaimSet =
        "status = 'running', worker_id = $worker, lease_expires_at = $lease, attempts = attempts + 1, claim_token = claim_token + 1, " +
        "started_at = $now, progress_objective = NULL, error = NULL";

    // Expired leases before queued jobs: they have waited longest.
    private static readonly string ClaimExpiredSql =
        $"""
        UPDATE optimization_jobs SET {ClaimSet}
        WHERE id = (SELECT id FROM optimization_jobs WHERE status = 'running' AND lease_expires_at < $now AND attempts < $max
                    ORDER BY lease_expires_at, id LIMIT 1)
        RETURNING {Columns}
        """;

    // The oldest queued job of the tenant served longest ago (no turn yet: first). The tenants with queued jobs come
    // from a loose index scan, one index probe per tenant, so a claim does not read the whole queue.
    private static readonly string ClaimQueuedSql =
        $"""
        WITH RECURSIVE queued_tenants (tenant_id) AS (
            SELECT (SELECT tenant_id FROM optimization_jobs WHERE status = 'queued' ORDER BY tenant_id LIMIT 1)
            UNION ALL
            SELECT (SELECT q.tenant_id FROM optimization_jobs q
                    WHERE q.status = 'queued' AND q.tenant_id > t.tenant_id ORDER BY q.tenant_id LIMIT 1)
            FROM queued_tenants t WHERE t.tenant_id IS NOT NULL),
        next_tenant AS (
            SELECT t.tenant_id FROM queued_tenants t LEFT JOIN tenant_turns tt ON tt.tenant_id = t.tenant_id
            WHERE t.tenant_id IS NOT NULL
            ORDER BY tt.turn NULLS FIRST, t.tenant_id LIMIT 1)
        UPDATE optimization_jobs SET {ClaimSet}
        WHERE id = (SELECT id FROM optimization_jobs
                    WHERE status = 'queued' AND tenant_id = (SELECT tenant_id FROM next_tenant)
                    ORDER BY created_at, id LIMIT 1)
        RETURNING {Columns}
        """;

    private const string TakeTurnSql =
        """
        INSERT INTO tenant_turns (tenant_id, turn) VALUES ($tenant, (SELECT coalesce(max(turn), 0) + 1 FROM tenant_turns))
        ON CONFLICT (tenant_id) DO UPDATE SET turn = excluded.turn
        """;

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;

    public SqliteJobStore(SqliteDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    public Task MigrateAsync(CancellationToken cancellationToken = default) => SqliteMigrations.ApplyAsync(_database, _time, cancellationToken);

    public Task<bool> MigrationsAppliedAsync(CancellationToken cancellationToken = default) => SqliteMigrations.AppliedAsync(_database, cancellationToken);

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => _database.PingAsync(cancellationToken);

    public async Task<EnqueueResult> EnqueueAsync(NewJob job, CancellationToken cancellationToken = default)
    {
        JobValidation.Validate(job);
        var now = NowMicros();
        var cached = job.CachedResultJson is not null;
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = connection.CreateCommand();
        insert.CommandText =
            $"""
            INSERT INTO optimization_jobs (id, tenant_id, status, backend_requested, backend_used, problem, result, problem_hash,
                idempotency_key, attempts, created_at, started_at, completed_at, time_limit_seconds, seed)
            SELECT $id, $tenant, $status, $backend, $used, $problem, $result, $hash, $key, 0, $now, $started, $completed, $limit, $seed
            WHERE $quota IS NULL
               OR (SELECT count(*) FROM optimization_jobs WHERE tenant_id = $tenant AND status IN ('queued', 'running')) < $quota
            ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
            RETURNING {Columns}
            """;
        var p = insert.Parameters;
        p.AddWithValue("$id", Text(Guid.CreateVersion7(Microseconds.ToTime(now))));
        p.AddWithValue("$tenant", job.TenantId);
        p.AddWithValue("$status", (cached ? JobStatus.Completed : JobStatus.Queued).ToStorage());
        p.AddWithValue("$backend", job.BackendRequested);
        p.AddWithValue("$used", cached ? job.CachedBackendUsed ?? job.BackendRequested : DBNull.Value);
        p.AddWithValue("$problem", job.ProblemJson);
        p.AddWithValue("$result", cached ? job.CachedResultJson! : DBNull.Value);
        p.AddWithValue("$hash", job.ProblemHash);
        p.AddWithValue("$key", (object?)job.IdempotencyKey ?? DBNull.Value);
        p.AddWithValue("$now", now);
        p.AddWithValue("$started", cached ? now : DBNull.Value);
        p.AddWithValue("$completed", cached ? now : DBNull.Value);
        p.AddWithValue("$limit", job.TimeLimitSeconds);
        p.AddWithValue("$seed", job.Seed);
        p.AddWithValue("$quota", JobValidation.QuotaOf(job) is { } quota ? quota : DBNull.Value);
        var created = await SingleAsync(insert, cancellationToken).ConfigureAwait(false);
        if (created is not null)
        {
            return new EnqueueResult(created, true);
        }

        if (job.IdempotencyKey is null)
        {
            throw JobValidation.NotInserted(job);
        }

        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {Columns} FROM optimization_jobs WHERE tenant_id = $tenant AND idempotency_key = $key";
        select.Parameters.AddWithValue("$tenant", job.TenantId);
        select.Parameters.AddWithValue("$key", job.IdempotencyKey);
        var existing = await SingleAsync(select, cancellationToken).ConfigureAwait(false);
        return existing is not null ? new EnqueueResult(existing, false) : throw JobValidation.NotInserted(job);
    }

    public async Task<JobRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM optimization_jobs WHERE id = $id AND tenant_id = $tenant";
        command.Parameters.AddWithValue("$id", Text(id));
        command.Parameters.AddWithValue("$tenant", tenantId);
        return await SingleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JobRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM optimization_jobs WHERE id = $id";
        command.Parameters.AddWithValue("$id", Text(id));
        return await SingleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JobPage> ListAsync(string tenantId, JobStatus? status, int limit, string? cursor, CancellationToken cancellationToken = default)
    {
        limit = JobValidation.ClampLimit(limit);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var sql = $"SELECT {Columns} FROM optimization_jobs WHERE tenant_id = $tenant";
        command.Parameters.AddWithValue("$tenant", tenantId);
        if (status is { } s)
        {
            sql += " AND status = $status";
            command.Parameters.AddWithValue("$status", s.ToStorage());
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            var (createdAt, id) = JobCursor.Decode(cursor);
            sql += " AND (created_at, id) < ($cursorTime, $cursorId)";
            command.Parameters.AddWithValue("$cursorTime", Microseconds.SinceEpoch(createdAt));
            command.Parameters.AddWithValue("$cursorId", Text(id));
        }

        command.CommandText = sql + " ORDER BY created_at DESC, id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit + 1);
        var rows = new List<JobRecord>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(Read(reader));
            }
        }

        return JobValidation.Page(rows, limit);
    }

    public async Task<JobRecord?> ClaimAsync(string workerId, TimeSpan leaseDuration, int maxAttempts, CancellationToken cancellationToken = default)
    {
        var jobs = await ClaimManyAsync(workerId, leaseDuration, maxAttempts, 1, cancellationToken).ConfigureAwait(false);
        return jobs.Count == 0 ? null : jobs[0];
    }

    public async Task<IReadOnlyList<JobRecord>> ClaimManyAsync(string workerId, TimeSpan leaseDuration, int maxAttempts, int maxJobs, CancellationToken cancellationToken = default)
    {
        JobValidation.ValidateClaim(workerId, leaseDuration, maxAttempts, maxJobs);
        var now = NowMicros();
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var exhaust = connection.CreateCommand())
        {
            exhaust.Transaction = transaction;
            exhaust.CommandText =
                """
                UPDATE optimization_jobs
                SET status = 'failed', error = 'lease expired ' || attempts || ' times', completed_at = $now, lease_expires_at = NULL
                WHERE status = 'running' AND lease_expires_at < $now AND attempts >= $max
                """;
            exhaust.Parameters.AddWithValue("$now", now);
            exhaust.Parameters.AddWithValue("$max", maxAttempts);
            await exhaust.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // One write transaction for the whole batch: expired leases first, then queued jobs round robin across tenants,
        // one row per statement (cheap in-process calls), until maxJobs are claimed or nothing is left. Each claimed
        // queued job moves its tenant's turn behind every other tenant's, so the next statement serves another tenant.
        var jobs = new List<JobRecord>(Math.Min(maxJobs, 64));
        await using (var expired = ClaimCommand(connection, transaction, ClaimExpiredSql, workerId, now, leaseDuration, maxAttempts))
        {
            while (jobs.Count < maxJobs && await SingleAsync(expired, cancellationToken).ConfigureAwait(false) is { } job)
            {
                jobs.Add(job);
            }
        }

        await using (var queued = ClaimCommand(connection, transaction, ClaimQueuedSql, workerId, now, leaseDuration, maxAttempts))
        await using (var turn = connection.CreateCommand())
        {
            turn.Transaction = transaction;
            turn.CommandText = TakeTurnSql;
            var tenant = turn.Parameters.Add("$tenant", SqliteType.Text);
            while (jobs.Count < maxJobs && await SingleAsync(queued, cancellationToken).ConfigureAwait(false) is { } job)
            {
                jobs.Add(job);
                tenant.Value = job.TenantId;
                await turn.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return jobs;
    }

    public Task<bool> HeartbeatAsync(JobClaim claim, TimeSpan leaseDuration, CancellationToken cancellationToken = default) =>
        OwnedAsync(
            "UPDATE optimization_jobs SET lease_expires_at = $lease WHERE " + OwnedBy,
            claim,
            p => p.AddWithValue("$lease", NowMicros() + Microseconds.Of(leaseDuration)),
            cancellationToken);

    public Task<bool> ReportProgressAsync(JobClaim claim, double objective, CancellationToken cancellationToken = default) =>
        OwnedAsync(
            "UPDATE optimization_jobs SET progress_objective = $objective WHERE " + OwnedBy,
            claim,
            p => p.AddWithValue("$objective", objective),
            cancellationToken);

    public async Task<bool> ReportProgressAsync(JobClaim claim, IReadOnlyList<ProgressPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfZero(points.Count, nameof(points));
        var json = new StringBuilder("[");
        foreach (var point in points)
        {
            json.Append(json.Length > 1 ? ",[" : "[").Append(point.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture)).Append(',').Append(point.Objective.ToString("R", CultureInfo.InvariantCulture)).Append(']');
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // The append only while the job is ours, bounded per attempt; one transaction, so the check holds for both.
        command.CommandText =
            $"""
            UPDATE optimization_jobs SET progress_objective = $objective WHERE {OwnedBy};
            INSERT INTO job_progress (job_id, claim_token, elapsed_ms, objective)
            SELECT $id, $token, json_extract(p.value, '$[0]'), json_extract(p.value, '$[1]')
            FROM json_each($points) AS p
            WHERE EXISTS (SELECT 1 FROM optimization_jobs WHERE {OwnedBy})
              AND (SELECT count(*) FROM job_progress WHERE job_id = $id AND claim_token = $token) + p.key < {ProgressPoint.MaxPerAttempt}
            ON CONFLICT (job_id, claim_token, elapsed_ms) DO UPDATE SET objective = excluded.objective;
            SELECT count(*) FROM optimization_jobs WHERE {OwnedBy};
            """;
        BindClaim(command.Parameters, claim);
        command.Parameters.AddWithValue("$objective", points[^1].Objective);
        command.Parameters.AddWithValue("$points", json.Append(']').ToString());
        var ours = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is 1L;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ours;
    }

    public async Task<IReadOnlyList<ProgressPoint>?> GetProgressAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // One row of nulls for a job without points, none for an unknown job or another tenant's.
        command.CommandText =
            """
            SELECT p.elapsed_ms, p.objective
            FROM optimization_jobs j
            LEFT JOIN job_progress p ON p.job_id = j.id AND p.claim_token = j.claim_token
            WHERE j.id = $id AND j.tenant_id = $tenant
            ORDER BY p.elapsed_ms
            """;
        command.Parameters.AddWithValue("$id", Text(id));
        command.Parameters.AddWithValue("$tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ProgressRows.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> CompleteAsync(JobClaim claim, string backendUsed, string resultJson, CancellationToken cancellationToken = default) =>
        await CompleteReturningAsync(claim, backendUsed, resultJson, cancellationToken).ConfigureAwait(false) is not null;

    public async Task<JobRecord?> CompleteReturningAsync(JobClaim claim, string backendUsed, string resultJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backendUsed);
        ArgumentNullException.ThrowIfNull(resultJson);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"""
            UPDATE optimization_jobs
            SET status = 'completed', backend_used = $used, result = $result, completed_at = $now, lease_expires_at = NULL
            WHERE {OwnedBy}
            RETURNING {Columns}
            """;
        command.Parameters.AddWithValue("$used", backendUsed);
        command.Parameters.AddWithValue("$result", resultJson);
        command.Parameters.AddWithValue("$now", NowMicros());
        BindClaim(command.Parameters, claim);
        return await SingleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> FailAsync(JobClaim claim, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        return OwnedAsync(
            "UPDATE optimization_jobs SET status = 'failed', error = $error, completed_at = $now, lease_expires_at = NULL WHERE " + OwnedBy,
            claim,
            p =>
            {
                p.AddWithValue("$error", error);
                p.AddWithValue("$now", NowMicros());
            },
            cancellationToken);
    }

    public Task<bool> ReleaseAsync(JobClaim claim, CancellationToken cancellationToken = default) =>
        OwnedAsync(
            $"""
            UPDATE optimization_jobs
            SET status = 'queued', worker_id = NULL, lease_expires_at = NULL, started_at = NULL, progress_objective = NULL,
                attempts = max(attempts - 1, 0)
            WHERE {OwnedBy}
            """,
            claim,
            static _ => { },
            cancellationToken);

    public async Task<JobRecord?> CancelAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        JobRecord? cancelled;
        await using (var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var command = connection.CreateCommand();
            command.CommandText =
                $"""
                UPDATE optimization_jobs
                SET status = 'cancelled', completed_at = $now, lease_expires_at = NULL
                WHERE id = $id AND tenant_id = $tenant AND status IN ('queued', 'running')
                RETURNING {Columns}
                """;
            command.Parameters.AddWithValue("$id", Text(id));
            command.Parameters.AddWithValue("$tenant", tenantId);
            command.Parameters.AddWithValue("$now", NowMicros());
            cancelled = await SingleAsync(command, cancellationToken).ConfigureAwait(false);
        }

        return cancelled ?? await GetAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<JobStatus, long>> CountByStatusAsync(CancellationToken cancellationToken = default)
    {
        var counts = JobValidation.EmptyCounts();
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, count(*) FROM optimization_jobs GROUP BY status";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[JobStatusNames.Parse(reader.GetString(0))] = reader.GetInt64(1);
        }

        return counts;
    }

    public async Task<long> QueueSizeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM optimization_jobs WHERE status = 'queued'";
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<JobOutcomeStats> OutcomeStatsAsync(TimeSpan window, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            SELECT count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'cancelled')
            FROM optimization_jobs WHERE completed_at >= $since
            """;
        command.Parameters.AddWithValue("$since", Microseconds.SinceEpoch(_time.GetUtcNow() - window));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new JobOutcomeStats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public async Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM settings WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task SetSettingAsync(string key, string json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(json);
        // PostgreSQL's jsonb rejects malformed JSON; check here so both stores refuse the same input.
        using (System.Text.Json.JsonDocument.Parse(json))
        {
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            INSERT INTO settings (key, value, updated_at) VALUES ($key, $value, $now)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """;
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", json);
        command.Parameters.AddWithValue("$now", NowMicros());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private static string Text(Guid id) => id.ToString("D");

    // The fence of every worker-side statement: the job is still running under this very claim.
    private const string OwnedBy = "id = $id AND status = 'running' AND worker_id = $worker AND claim_token = $token";

    private static void BindClaim(SqliteParameterCollection parameters, JobClaim claim)
    {
        parameters.AddWithValue("$id", Text(claim.JobId));
        parameters.AddWithValue("$worker", claim.WorkerId);
        parameters.AddWithValue("$token", claim.Token);
    }

    private async Task<bool> OwnedAsync(string sql, JobClaim claim, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        BindClaim(command.Parameters, claim);
        bind(command.Parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static SqliteCommand ClaimCommand(SqliteConnection connection, SqliteTransaction transaction, string sql, string workerId, long now, TimeSpan leaseDuration, int maxAttempts)
    {
        var claim = connection.CreateCommand();
        claim.Transaction = transaction;
        claim.CommandText = sql;
        claim.Parameters.AddWithValue("$now", now);
        claim.Parameters.AddWithValue("$max", maxAttempts);
        claim.Parameters.AddWithValue("$worker", workerId);
        claim.Parameters.AddWithValue("$lease", now + Microseconds.Of(leaseDuration));
        return claim;
    }

    private static async Task<JobRecord?> SingleAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static DateTimeOffset? Time(SqliteDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : Microseconds.ToTime(r.GetInt64(ordinal));

    internal static JobRecord Read(SqliteDataReader r) => new(
        Id: Guid.Parse(r.GetString(0)),
        TenantId: r.GetString(1),
        Status: JobStatusNames.Parse(r.GetString(2)),
        BackendRequested: r.GetString(3),
        BackendUsed: r.IsDBNull(4) ? null : r.GetString(4),
        ProblemJson: r.GetString(5),
        ResultJson: r.IsDBNull(6) ? null : r.GetString(6),
        ProblemHash: r.GetString(7),
        IdempotencyKey: r.IsDBNull(8) ? null : r.GetString(8),
        Attempts: r.GetInt32(9),
        WorkerId: r.IsDBNull(10) ? null : r.GetString(10),
        LeaseExpiresAt: Time(r, 11),
        CreatedAt: Microseconds.ToTime(r.GetInt64(12)),
        StartedAt: Time(r, 13),
        CompletedAt: Time(r, 14),
        Error: r.IsDBNull(15) ? null : r.GetString(15),
        TimeLimitSeconds: r.GetInt32(16),
        Seed: r.GetInt64(17),
        ProgressObjective: r.IsDBNull(18) ? null : r.GetDouble(18))
    {
        ClaimToken = r.GetInt64(19),
    };

    private long NowMicros() => Microseconds.SinceEpoch(_time.GetUtcNow());
}
