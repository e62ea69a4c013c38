using Npgsql;

namespace QuantumPlanner.Storage.Postgres;

/// <summary>
/// Versioned schema of the PostgreSQL store. Each migration runs in its own transaction under a
/// transaction-scoped advisory lock, so replicas starting together apply each version exactly once.
/// Append new versions; never edit an applied one.
/// </summary>
internal static class PostgresMigrations
{
    // "QPLANMIG" in ASCII: an arbitrary constant that other applications on the same database won't use.
    private const long AdvisoryLockKey = 0x51504C414E4D4947;

    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> All =
    [
        (1, "jobs, api keys, settings", """
            CREATE TABLE optimization_jobs (
                id                 uuid PRIMARY KEY,
                tenant_id          text NOT NULL,
                status             text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
                backend_requested  text NOT NULL,
                backend_used       text,
                problem            jsonb NOT NULL,
                result             jsonb,
                problem_hash       text NOT NULL,
                idempotency_key    text,
                attempts           integer NOT NULL DEFAULT 0,
                worker_id          text,
                lease_expires_at   timestamptz,
                created_at         timestamptz NOT NULL,
                started_at         timestamptz,
                completed_at       timestamptz,
                error              text,
                time_limit_seconds integer NOT NULL,
                seed               bigint NOT NULL,
                progress_objective double precision
            );
            -- The claim query: oldest queued job first; partial, so it only holds the queue.
            CREATE INDEX ix_optimization_jobs_queue ON optimization_jobs (created_at, id) WHERE status = 'queued';
            -- Reclaiming expired leases: only running jobs.
            CREATE INDEX ix_optimization_jobs_lease ON optimization_jobs (lease_expires_at) WHERE status = 'running';
            -- Listing a tenant's jobs newest first with keyset pagination.
            CREATE INDEX ix_optimization_jobs_tenant_created ON optimization_jobs (tenant_id, created_at DESC, id DESC);
            -- Error rate over the last minutes.
            CREATE INDEX ix_optimization_jobs_completed ON optimization_jobs (completed_at) WHERE completed_at IS NOT NULL;
            -- Same idempotency key from the same tenant is the same job (NULL keys never collide).
            CREATE UNIQUE INDEX ux_optimization_jobs_idempotency ON optimization_jobs (tenant_id, idempotency_key);

            CREATE TABLE api_keys (
                id         text PRIMARY KEY,
                tenant_id  text NOT NULL,
                admin      boolean NOT NULL,
                salt       bytea NOT NULL,
                hash       bytea NOT NULL,
                created_at timestamptz NOT NULL,
                revoked_at timestamptz
            );

            CREATE TABLE settings (
                key        text PRIMARY KEY,
                value      jsonb NOT NULL,
                updated_at timestamptz NOT NULL
            );
            """),
        (2, "audit log", """
            CREATE TABLE audit_log (
                id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at           timestamptz NOT NULL,
                actor_key_id text,
                tenant_id    text,
                action       text NOT NULL,
                target       text,
                details      jsonb
            );
            CREATE INDEX ix_audit_log_at ON audit_log (at DESC, id DESC);
            """),
        (3, "claim tokens, fair claims, key expiry", """
            -- Fences a claim: every claim increments it and worker-side updates must name the value they were given.
            ALTER TABLE optimization_jobs ADD COLUMN claim_token bigint NOT NULL DEFAULT 0;
            -- Fair claims: the tenants with queued jobs (a loose index scan) and each one's oldest queued jobs.
            CREATE INDEX ix_optimization_jobs_tenant_queue ON optimization_jobs (tenant_id, created_at, id) WHERE status = 'queued';
            -- The per-tenant quota of queued + running jobs.
            CREATE INDEX ix_optimization_jobs_tenant_active ON optimization_jobs (tenant_id) WHERE status IN ('queued', 'running');
            -- Round robin: the tenant served longest ago (lowest turn) goes first.
            CREATE TABLE tenant_turns (
                tenant_id text PRIMARY KEY,
                turn      bigint NOT NULL
            );
            ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
            ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
            """),
        (4, "archive order index", """
            -- Archiving walks finished jobs oldest first in (created_at, id) batches (qplan ops archive).
            CREATE INDEX ix_optimization_jobs_created ON optimization_jobs (created_at, id);
            """),
        (5, "progress history", """
            -- The best objective over time of each attempt (claim_token) of a job, for the dashboard's chart. Deleted
            -- with its job by whatever deletes the job (archive, GDPR erase, purge) through the cascade.
            CREATE TABLE job_progress (
                job_id      uuid NOT NULL REFERENCES optimization_jobs (id) ON DELETE CASCADE,
                claim_token bigint NOT NULL,
                elapsed_ms  bigint NOT NULL,
                objective   double precision NOT NULL,
                PRIMARY KEY (job_id, claim_token, elapsed_ms)
            );
            """),
    ];

    public static int LatestVersion => All[^1].Version;

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (version, name, sql) in All)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand(
                $"""
                SELECT pg_advisory_xact_lock({AdvisoryLockKey});
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    applied_at timestamptz NOT NULL
                );
                """, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var check = new NpgsqlCommand("SELECT 1 FROM schema_migrations WHERE version = @v", connection, transaction))
            {
                check.Parameters.AddWithValue("v", version);
                if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            await using (var apply = new NpgsqlCommand(sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)", connection, transaction))
            {
                record.Parameters.AddWithValue("v", version);
                record.Parameters.AddWithValue("n", name);
                record.Parameters.AddWithValue("t", time.GetUtcNow());
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task<bool> AppliedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT max(version) FROM schema_migrations");
            var result = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return result is int version && version >= LatestVersion;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            // Missing table, missing database or no server: not applied, which is what readiness needs to know.
            return false;
        }
    }
}
