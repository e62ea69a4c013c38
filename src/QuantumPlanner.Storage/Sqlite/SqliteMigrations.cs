using Microsoft.Data.Sqlite;
using QuantumPlanner.Storage.Internal;

namespace QuantumPlanner.Storage.Sqlite;

/// <summary>
/// The same schema as <see cref="Postgres.PostgresMigrations"/> in SQLite types: uuids as lower-case text
/// (sorts like PostgreSQL's uuid), timestamps as integer microseconds since 1970 UTC, JSON as text.
/// Each version runs in a BEGIN IMMEDIATE transaction, which also serialises processes sharing the file.
/// </summary>
internal static class SqliteMigrations
{
    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> All =
    [
        (1, "jobs, api keys, settings", """
            CREATE TABLE optimization_jobs (
                id                 TEXT PRIMARY KEY NOT NULL,
                tenant_id          TEXT NOT NULL,
                status             TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
                backend_requested  TEXT NOT NULL,
                backend_used       TEXT,
                problem            TEXT NOT NULL,
                result             TEXT,
                problem_hash       TEXT NOT NULL,
                idempotency_key    TEXT,
                attempts           INTEGER NOT NULL DEFAULT 0,
                worker_id          TEXT,
                lease_expires_at   INTEGER,
                created_at         INTEGER NOT NULL,
                started_at         INTEGER,
                completed_at       INTEGER,
                error              TEXT,
                time_limit_seconds INTEGER NOT NULL,
                seed               INTEGER NOT NULL,
                progress_objective REAL
            );
            CREATE INDEX ix_optimization_jobs_queue ON optimization_jobs (created_at, id) WHERE status = 'queued';
            CREATE INDEX ix_optimization_jobs_lease ON optimization_jobs (lease_expires_at) WHERE status = 'running';
            CREATE INDEX ix_optimization_jobs_tenant_created ON optimization_jobs (tenant_id, created_at DESC, id DESC);
            CREATE INDEX ix_optimization_jobs_completed ON optimization_jobs (completed_at) WHERE completed_at IS NOT NULL;
            CREATE UNIQUE INDEX ux_optimization_jobs_idempotency ON optimization_jobs (tenant_id, idempotency_key);

            CREATE TABLE api_keys (
                id         TEXT PRIMARY KEY NOT NULL,
                tenant_id  TEXT NOT NULL,
                admin      INTEGER NOT NULL,
                salt       BLOB NOT NULL,
                hash       BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );

            CREATE TABLE settings (
                key        TEXT PRIMARY KEY NOT NULL,
                value      TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            );
            """),
        (2, "audit log", """
            CREATE TABLE audit_log (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                at           INTEGER NOT NULL,
                actor_key_id TEXT,
                tenant_id    TEXT,
                action       TEXT NOT NULL,
                target       TEXT,
                details      TEXT
            );
            CREATE INDEX ix_audit_log_at ON audit_log (at DESC, id DESC);
            """),
        (3, "claim tokens, fair claims, key expiry", """
            ALTER TABLE optimization_jobs ADD COLUMN claim_token INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX ix_optimization_jobs_tenant_queue ON optimization_jobs (tenant_id, created_at, id) WHERE status = 'queued';
            CREATE INDEX ix_optimization_jobs_tenant_active ON optimization_jobs (tenant_id) WHERE status IN ('queued', 'running');
            CREATE TABLE tenant_turns (
                tenant_id TEXT PRIMARY KEY NOT NULL,
                turn      INTEGER NOT NULL
            );
            ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
            ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
            """),
        (4, "archive order index", """
            CREATE INDEX ix_optimization_jobs_created ON optimization_jobs (created_at, id);
            """),
        (5, "progress history", """
            CREATE TABLE job_progress (
                job_id      TEXT NOT NULL,
                claim_token INTEGER NOT NULL,
                elapsed_ms  INTEGER NOT NULL,
                objective   REAL NOT NULL,
                PRIMARY KEY (job_id, claim_token, elapsed_ms)
            ) WITHOUT ROWID;
            -- What a foreign key with ON DELETE CASCADE does in PostgreSQL, without depending on PRAGMA foreign_keys:
            -- whatever deletes a job (archive, GDPR erase, purge) deletes its history in the same statement.
            CREATE TRIGGER job_progress_follows_job AFTER DELETE ON optimization_jobs
            BEGIN
                DELETE FROM job_progress WHERE job_id = OLD.id;
            END;
            """),
    ];

    public static int LatestVersion => All[^1].Version;

    public static async Task ApplyAsync(SqliteDatabase database, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (version, name, sql) in All)
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using (var create = connection.CreateCommand())
            {
                create.Transaction = transaction;
                create.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var check = connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = "SELECT 1 FROM schema_migrations WHERE version = $v";
                check.Parameters.AddWithValue("$v", version);
                if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            await using (var apply = connection.CreateCommand())
            {
                apply.Transaction = transaction;
                apply.CommandText = sql;
                await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)";
                record.Parameters.AddWithValue("$v", version);
                record.Parameters.AddWithValue("$n", name);
                record.Parameters.AddWithValue("$t", Microseconds.SinceEpoch(time.GetUtcNow()));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task<bool> AppliedAsync(SqliteDatabase database, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT max(version) FROM schema_migrations";
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version && version >= LatestVersion;
        }
        catch (SqliteException)
        {
            return false;
        }
    }
}
