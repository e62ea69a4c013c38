using Npgsql;
using NpgsqlTypes;
using QuantumPlanner.Storage.Internal;

namespace QuantumPlanner.Storage.Postgres;

/// <summary>
/// The job queue on PostgreSQL. Claims lock one candidate row with <c>FOR UPDATE SKIP LOCKED</c>, so
/// concurrent workers (threads, processes, replicas) never wait on each other nor take the same job.
/// All timestamps come from the application's <see cref="TimeProvider"/> so leases are testable.
/// </summary>
internal sealed class PostgresJobStore : IJobStore
{
    internal static readonly string Columns = ColumnsOf(string.Empty);
    private static readonly string ClaimedColumns = ColumnsOf("j.");

    // The hot statements use positional parameters ($1, ...): with named ones (@id) Npgsql rewrites the SQL text on
    // every execution (a parse and a new string per call, visible in a CPU profile of the service under load,
    // docs/runbooks/service.md "Load test"). Built once, so the text is not re-formatted per call either.
    private static readonly string GetSql = $"SELECT {Columns} FROM optimization_jobs WHERE id = $1 AND tenant_id = $2";
    private static readonly string GetByIdSql = $"SELECT {Columns} FROM optimization_jobs WHERE id = $1";
    private static readonly string CompleteSql =
        $"""
        UPDATE optimization_jobs
        SET status = 'completed', backend_used = $3, result = $4, completed_at = $5, lease_expires_at = NULL
        WHERE id = $1 AND status = 'running' AND worker_id = $2 AND claim_token = $6
        RETURNING {Columns}
        """;

    // $1 now, $2 max attempts, $3 k, $4 worker, $5 lease end.
    private static readonly string ClaimSql =
        $"""
        WITH RECURSIVE queued_tenants (tenant_id) AS (
            (SELECT tenant_id FROM optimization_jobs WHERE status = 'queued' ORDER BY tenant_id LIMIT 1)
            UNION ALL
            SELECT (SELECT q.tenant_id FROM optimization_jobs q
                    WHERE q.status = 'queued' AND q.tenant_id > t.tenant_id ORDER BY q.tenant_id LIMIT 1)
            FROM queued_tenants t WHERE t.tenant_id IS NOT NULL),
        exhausted AS (
            UPDATE optimization_jobs
            SET status = 'failed', error = 'lease expired ' || attempts || ' times', completed_at = $1, lease_expires_at = NULL
            WHERE id IN (
                SELECT id FROM optimization_jobs
                WHERE status = 'running' AND lease_expires_at < $1 AND attempts >= $2
                FOR UPDATE SKIP LOCKED)
            RETURNING id),
        expired AS (
            SELECT id, tenant_id, 0 AS claim_rank, 0::bigint AS claim_round, 0::bigint AS claim_turn, lease_expires_at AS claim_since
            FROM optimization_jobs
            WHERE status = 'running' AND lease_expires_at < $1 AND attempts < $2
            ORDER BY lease_expires_at, id LIMIT $3 FOR UPDATE SKIP LOCKED),
        turns AS (
            SELECT t.tenant_id, row_number() OVER (ORDER BY tt.turn NULLS FIRST, t.tenant_id) AS claim_turn
            FROM queued_tenants t LEFT JOIN tenant_turns tt ON tt.tenant_id = t.tenant_id
            WHERE t.tenant_id IS NOT NULL
            ORDER BY tt.turn NULLS FIRST, t.tenant_id LIMIT $3),
        queued_locked AS (
            SELECT q.id, q.tenant_id, q.created_at, turns.claim_turn
            FROM turns CROSS JOIN LATERAL (
                SELECT id, tenant_id, created_at FROM optimization_jobs
                WHERE status = 'queued' AND tenant_id = turns.tenant_id
                ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) q),
        queued AS (
            SELECT id, tenant_id, 1 AS claim_rank, row_number() OVER (PARTITION BY tenant_id ORDER BY created_at, id) AS claim_round,
                claim_turn, created_at AS claim_since
            FROM queued_locked),
        picked AS (
            SELECT id, tenant_id, claim_rank, claim_round, claim_turn, claim_since,
                row_number() OVER (ORDER BY claim_rank, claim_round, claim_turn, claim_since, id) AS claim_order
            FROM (SELECT * FROM expired UNION ALL SELECT * FROM queued) c
            ORDER BY claim_rank, claim_round, claim_turn, claim_since, id LIMIT $3),
        claimed AS (
            UPDATE optimization_jobs j
            SET status = 'running', worker_id = $4, lease_expires_at = $5, attempts = j.attempts + 1,
                claim_token = j.claim_token + 1, started_at = $1, progress_objective = NULL, error = NULL
            FROM picked c
            WHERE j.id = c.id
            RETURNING c.claim_order, {ClaimedColumns}),
        served AS (
            INSERT INTO tenant_turns (tenant_id, turn)
            SELECT tenant_id, (SELECT coalesce(max(turn), 0) FROM tenant_turns) + max(claim_order) FROM picked GROUP BY tenant_id
            ON CONFLICT (tenant_id) DO UPDATE SET turn = excluded.turn)
        SELECT {Columns} FROM claimed ORDER BY claim_order
        """;

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;

    public PostgresJobStore(PostgresDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    private NpgsqlDataSource DataSource => _database.DataSource;

    // Reads go through the relaxed source: with multiplexing a read queued on a connection behind another request's
    // commit waits for that commit's WAL flush; on the relaxed source no commit waits for a flush.
    private NpgsqlDataSource ReadSource => _database.RelaxedDataSource;

    public Task MigrateAsync(CancellationToken cancellationToken = default) => _database.MigrateAsync(_time, cancellationToken);

    public Task<bool> MigrationsAppliedAsync(CancellationToken cancellationToken = default) =>
        PostgresMigrations.AppliedAsync(DataSource, cancellationToken);

    public Task<bool> PingAsync(CancellationToken cancellationToken = default) => _database.PingAsync(cancellationToken);

    public async Task<EnqueueResult> EnqueueAsync(NewJob job, CancellationToken cancellationToken = default)
    {
        JobValidation.Validate(job);
        var now = Now();
        var cached = job.CachedResultJson is not null;
        await using var insert = DataSource.CreateCommand(
            $"""
            INSERT INTO optimization_jobs (id, tenant_id, status, backend_requested, backend_used, problem, result, problem_hash,
                idempotency_key, attempts, created_at, started_at, completed_at, time_limit_seconds, seed)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12, $13, $14
            WHERE $15::integer IS NULL
               OR (SELECT count(*) FROM optimization_jobs WHERE tenant_id = $2 AND status IN ('queued', 'running')) < $15::integer
            ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
            RETURNING {Columns}
            """);
        var p = insert.Parameters;
        Add(p, Guid.CreateVersion7(now));
        Add(p, job.TenantId);
        Add(p, (cached ? JobStatus.Completed : JobStatus.Queued).ToStorage());
        Add(p, job.BackendRequested);
        AddNullable(p, cached ? job.CachedBackendUsed ?? job.BackendRequested : null, NpgsqlDbType.Text);
        AddNullable(p, job.ProblemJson, NpgsqlDbType.Jsonb);
        AddNullable(p, cached ? job.CachedResultJson : null, NpgsqlDbType.Jsonb);
        Add(p, job.ProblemHash);
        AddNullable(p, job.IdempotencyKey, NpgsqlDbType.Text);
        Add(p, now);
        AddNullable(p, cached ? now : null);
        AddNullable(p, cached ? now : null);
        Add(p, job.TimeLimitSeconds);
        Add(p, job.Seed);
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = JobValidation.QuotaOf(job) is { } quota ? quota : DBNull.Value });
        var created = await SingleAsync(insert, cancellationToken).ConfigureAwait(false);
        if (created is not null)
        {
            return new EnqueueResult(created, true);
        }

        if (job.IdempotencyKey is null)
        {
            throw JobValidation.NotInserted(job);
        }

        // The insert lost to an existing row with this key (ON CONFLICT waited for that row's transaction, so it is
        // visible), or the quota refused it; a known key answers with its job even when the tenant is at its quota.
        await using var select = DataSource.CreateCommand($"SELECT {Columns} FROM optimization_jobs WHERE tenant_id = $1 AND idempotency_key = $2");
        Add(select.Parameters, job.TenantId);
        Add(select.Parameters, job.IdempotencyKey);
        var existing = await SingleAsync(select, cancellationToken).ConfigureAwait(false);
        return existing is not null ? new EnqueueResult(existing, false) : throw JobValidation.NotInserted(job);
    }

    public async Task<JobRecord?> GetAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = ReadSource.CreateCommand(GetSql);
        Add(command.Parameters, id);
        Add(command.Parameters, tenantId);
        return await SingleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JobRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = ReadSource.CreateCommand(GetByIdSql);
        Add(command.Parameters, id);
        return await SingleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JobPage> ListAsync(string tenantId, JobStatus? status, int limit, string? cursor, CancellationToken cancellationToken = default)
    {
        limit = JobValidation.ClampLimit(limit);
        await using var command = ReadSource.CreateCommand();
        var sql = $"SELECT {Columns} FROM optimization_jobs WHERE tenant_id = @tenant";
        command.Parameters.AddWithValue("tenant", tenantId);
        if (status is { } s)
        {
            sql += " AND status = @status";
            command.Parameters.AddWithValue("status", s.ToStorage());
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            var (createdAt, id) = JobCursor.Decode(cursor);
            sql += " AND (created_at, id) < (@cursorTime, @cursorId)";
            command.Parameters.AddWithValue("cursorTime", createdAt);
            command.Parameters.AddWithValue("cursorId", id);
        }

        command.CommandText = sql + " ORDER BY created_at DESC, id DESC LIMIT @limit";
        command.Parameters.AddWithValue("limit", limit + 1);
        var rows = await ManyAsync(command, cancellationToken).ConfigureAwait(false);
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
        var now = Now();

        // One statement, so one round trip and one implicit transaction. Jobs whose lease ran out too often are failed
        // (never handed out again); then up to k expired leases and up to k queued jobs of each of the k tenants served
        // longest ago are locked with SKIP LOCKED (concurrent claimers take the rows nobody holds instead of waiting on
        // each other). Expired leases go first because they have waited longest, then queued jobs in rounds: every
        // tenant's oldest job, then every tenant's second oldest, the tenant served longest ago first within a round.
        // Each served tenant's turn moves behind every other tenant's, which makes successive claims a round robin.
        // The tenants with queued jobs come from a loose index scan (one index probe per tenant), so the claim does
        // not read the whole queue. Rows locked but not picked are released at the end of the statement. FOR UPDATE
        // re-checks each row's status after locking, so a job cancelled between the scan and the lock is skipped.
        await using var claim = _database.RelaxedDataSource.CreateCommand(ClaimSql);
        Add(claim.Parameters, now);
        Add(claim.Parameters, maxAttempts);
        Add(claim.Parameters, maxJobs);
        Add(claim.Parameters, workerId);
        Add(claim.Parameters, Microseconds.Truncate(now + leaseDuration));
        return await ManyAsync(claim, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> HeartbeatAsync(JobClaim claim, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        await using var command = _database.RelaxedDataSource.CreateCommand(
            "UPDATE optimization_jobs SET lease_expires_at = $4 WHERE id = $1 AND status = 'running' AND worker_id = $2 AND claim_token = $3");
        return await OwnedAsync(command, claim, Microseconds.Truncate(Now() + leaseDuration), cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ReportProgressAsync(JobClaim claim, double objective, CancellationToken cancellationToken = default)
    {
        await using var command = _database.RelaxedDataSource.CreateCommand(
            "UPDATE optimization_jobs SET progress_objective = $4 WHERE id = $1 AND status = 'running' AND worker_id = $2 AND claim_token = $3");
        return await OwnedAsync(command, claim, objective, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ReportProgressAsync(JobClaim claim, IReadOnlyList<ProgressPoint> points, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfZero(points.Count, nameof(points));
        // One round trip: the ownership check and best objective (the UPDATE) and the append, bounded per attempt,
        // happen only together; the count is read before the insert, so a batch never overshoots the bound.
        await using var command = _database.RelaxedDataSource.CreateCommand(
            $"""
            WITH owned AS (
                UPDATE optimization_jobs SET progress_objective = $4
                WHERE id = $1 AND status = 'running' AND worker_id = $2 AND claim_token = $3
                RETURNING id
            ), appended AS (
                INSERT INTO job_progress (job_id, claim_token, elapsed_ms, objective)
                SELECT owned.id, $3, p.elapsed_ms, p.objective
                FROM owned CROSS JOIN unnest($5::bigint[], $6::double precision[]) WITH ORDINALITY AS p (elapsed_ms, objective, n)
                WHERE (SELECT count(*) FROM job_progress WHERE job_id = $1 AND claim_token = $3) + p.n <= {ProgressPoint.MaxPerAttempt}
                ON CONFLICT (job_id, claim_token, elapsed_ms) DO UPDATE SET objective = EXCLUDED.objective
                RETURNING 1
            )
            SELECT count(*)::int FROM owned
            """);
        Add(command.Parameters, claim.JobId);
        Add(command.Parameters, claim.WorkerId);
        Add(command.Parameters, claim.Token);
        Add(command.Parameters, points[^1].Objective);
        Add(command.Parameters, points.Select(p => p.ElapsedMilliseconds).ToArray());
        Add(command.Parameters, points.Select(p => p.Objective).ToArray());
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is 1;
    }

    public async Task<IReadOnlyList<ProgressPoint>?> GetProgressAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        // The job's row first (tenant check, current claim token), then its points: one statement, so an empty
        // history and an unknown job differ (one row of nulls against none).
        await using var command = ReadSource.CreateCommand(
            """
            SELECT p.elapsed_ms, p.objective
            FROM optimization_jobs j
            LEFT JOIN job_progress p ON p.job_id = j.id AND p.claim_token = j.claim_token
            WHERE j.id = $1 AND j.tenant_id = $2
            ORDER BY p.elapsed_ms
            """);
        Add(command.Parameters, id);
        Add(command.Parameters, tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ProgressRows.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> CompleteAsync(JobClaim claim, string backendUsed, string resultJson, CancellationToken cancellationToken = default) =>
        await CompleteReturningAsync(claim, backendUsed, resultJson, cancellationToken).ConfigureAwait(false) is not null;

    public async Task<JobRecord?> CompleteReturningAsync(JobClaim claim, string backendUsed, string resultJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backendUsed);
        ArgumentNullException.ThrowIfNull(resultJson);
        await using var command = DataSource.CreateCommand(CompleteSql);
        Add(command.Parameters, claim.JobId);
        Add(command.Parameters, claim.WorkerId);
        Add(command.Parameters, backendUsed);
        AddNullable(command.Parameters, resultJson, NpgsqlDbType.Jsonb);
        Add(command.Parameters, Now());
        Add(command.Parameters, claim.Token);
        return await SingleAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> FailAsync(JobClaim claim, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        await using var command = DataSource.CreateCommand(
            """
            UPDATE optimization_jobs
            SET status = 'failed', error = $4, completed_at = $5, lease_expires_at = NULL
            WHERE id = $1 AND status = 'running' AND worker_id = $2 AND claim_token = $3
            """);
        Add(command.Parameters, claim.JobId);
        Add(command.Parameters, claim.WorkerId);
        Add(command.Parameters, claim.Token);
        Add(command.Parameters, error);
        Add(command.Parameters, Now());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> ReleaseAsync(JobClaim claim, CancellationToken cancellationToken = default)
    {
        await using var command = _database.RelaxedDataSource.CreateCommand(
            """
            UPDATE optimization_jobs
            SET status = 'queued', worker_id = NULL, lease_expires_at = NULL, started_at = NULL, progress_objective = NULL,
                attempts = GREATEST(attempts - 1, 0)
            WHERE id = $1 AND status = 'running' AND worker_id = $2 AND claim_token = $3
            """);
        Add(command.Parameters, claim.JobId);
        Add(command.Parameters, claim.WorkerId);
        Add(command.Parameters, claim.Token);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<JobRecord?> CancelAsync(string tenantId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = DataSource.CreateCommand(
            $"""
            UPDATE optimization_jobs
            SET status = 'cancelled', completed_at = @now, lease_expires_at = NULL
            WHERE id = @id AND tenant_id = @tenant AND status IN ('queued', 'running')
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("now", Now());
        return await SingleAsync(command, cancellationToken).ConfigureAwait(false)
            ?? await GetAsync(tenantId, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyDictionary<JobStatus, long>> CountByStatusAsync(CancellationToken cancellationToken = default)
    {
        var counts = JobValidation.EmptyCounts();
        await using var command = ReadSource.CreateCommand("SELECT status, count(*) FROM optimization_jobs GROUP BY status");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[JobStatusNames.Parse(reader.GetString(0))] = reader.GetInt64(1);
        }

        return counts;
    }

    public async Task<long> QueueSizeAsync(CancellationToken cancellationToken = default)
    {
        await using var command = ReadSource.CreateCommand("SELECT count(*) FROM optimization_jobs WHERE status = 'queued'");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<JobOutcomeStats> OutcomeStatsAsync(TimeSpan window, CancellationToken cancellationToken = default)
    {
        await using var command = ReadSource.CreateCommand(
            """
            SELECT count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'cancelled')
            FROM optimization_jobs WHERE completed_at >= @since
            """);
        command.Parameters.AddWithValue("since", Now() - window);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new JobOutcomeStats(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public async Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var command = ReadSource.CreateCommand("SELECT value::text FROM settings WHERE key = @key");
        command.Parameters.AddWithValue("key", key);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async Task SetSettingAsync(string key, string json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(json);
        await using var command = DataSource.CreateCommand(
            """
            INSERT INTO settings (key, value, updated_at) VALUES (@key, @value, @now)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("value", NpgsqlDbType.Jsonb, json);
        command.Parameters.AddWithValue("now", Now());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    // Column order is the one Read expects.
    private static string ColumnsOf(string alias) =>
        $"{alias}id, {alias}tenant_id, {alias}status, {alias}backend_requested, {alias}backend_used, {alias}problem::text, " +
        $"{alias}result::text, {alias}problem_hash, {alias}idempotency_key, {alias}attempts, {alias}worker_id, {alias}lease_expires_at, " +
        $"{alias}created_at, {alias}started_at, {alias}completed_at, {alias}error, {alias}time_limit_seconds, {alias}seed, {alias}progress_objective, {alias}claim_token";

    // $1 id, $2 worker, $3 claim token, $4 the value the statement sets.
    private static async Task<bool> OwnedAsync<T>(NpgsqlCommand command, JobClaim claim, T value, CancellationToken cancellationToken)
    {
        Add(command.Parameters, claim.JobId);
        Add(command.Parameters, claim.WorkerId);
        Add(command.Parameters, claim.Token);
        Add(command.Parameters, value);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    // Positional (unnamed) and typed, so no boxing and no SQL rewriting.
    private static void Add<T>(NpgsqlParameterCollection parameters, T value) => parameters.Add(new NpgsqlParameter<T> { TypedValue = value });

    private static void AddNullable(NpgsqlParameterCollection parameters, string? value, NpgsqlDbType type) =>
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = (object?)value ?? DBNull.Value });

    private static void AddNullable(NpgsqlParameterCollection parameters, DateTimeOffset? value) =>
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } v ? v : DBNull.Value });

    private static async Task<JobRecord?> SingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static async Task<List<JobRecord>> ManyAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<JobRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    internal static JobRecord Read(NpgsqlDataReader r) => new(
        Id: r.GetGuid(0),
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
        LeaseExpiresAt: r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
        CreatedAt: r.GetFieldValue<DateTimeOffset>(12),
        StartedAt: r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
        CompletedAt: r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
        Error: r.IsDBNull(15) ? null : r.GetString(15),
        TimeLimitSeconds: r.GetInt32(16),
        Seed: r.GetInt64(17),
        ProgressObjective: r.IsDBNull(18) ? null : r.GetDouble(18))
    {
        ClaimToken = r.GetInt64(19),
    };

    private DateTimeOffset Now() => Microseconds.Truncate(_time.GetUtcNow());
}
