using Npgsql;

namespace QuantumPlanner.Service.Tests.Faults;

/// <summary>
/// Counts every completion the store commits, by trigger in the test's own database: a row in fault_completions for each
/// insert or update that leaves a job completed (a job completed twice, e.g. by a worker that lost its lease, leaves two
/// rows). The service's own tables and SQL are untouched; install it after the migrations.
/// </summary>
internal sealed class CompletionLedger(string connectionString)
{
    public async Task InstallAsync()
    {
        await ExecuteAsync(
            """
            CREATE TABLE fault_completions (job_id uuid NOT NULL, claim_token bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE FUNCTION fault_count_completion() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO fault_completions (job_id, claim_token) VALUES (NEW.id, NEW.claim_token);
              RETURN NEW;
            END $$;
            CREATE TRIGGER fault_completion_insert AFTER INSERT ON optimization_jobs
              FOR EACH ROW WHEN (NEW.status = 'completed') EXECUTE FUNCTION fault_count_completion();
            CREATE TRIGGER fault_completion_update AFTER UPDATE ON optimization_jobs
              FOR EACH ROW WHEN (NEW.status = 'completed' AND (OLD.status <> 'completed' OR NEW.completed_at IS DISTINCT FROM OLD.completed_at))
              EXECUTE FUNCTION fault_count_completion();
            """);
    }

    /// <summary>The store as it stands: every job with its status, attempts and how many completions were committed for it.</summary>
    public async Task<IReadOnlyDictionary<Guid, LedgerRow>> ReadAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT j.id, j.status, j.attempts, (SELECT count(*) FROM fault_completions c WHERE c.job_id = j.id), j.error
            FROM optimization_jobs j
            """,
            connection);
        var rows = new Dictionary<Guid, LedgerRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetGuid(0)] = new LedgerRow(reader.GetString(1), reader.GetInt32(2), (int)reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4));
        }

        return rows;
    }

    /// <summary>The jobs the store has running under the given worker id right now.</summary>
    public async Task<IReadOnlyList<Guid>> RunningOnAsync(string workerId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM optimization_jobs WHERE status = 'running' AND worker_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = workerId });
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>Waits until no job is queued or running (or the wait runs out) and answers the ledger then.</summary>
    public async Task<IReadOnlyDictionary<Guid, LedgerRow>> WaitSettledAsync(TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (true)
        {
            IReadOnlyDictionary<Guid, LedgerRow>? rows = null;
            try
            {
                rows = await ReadAsync();
            }
            catch (NpgsqlException)
            {
                // The database is still coming back.
            }

            if (rows is not null && (rows.Values.All(r => r.Status is not ("queued" or "running")) || DateTime.UtcNow > end))
            {
                return rows;
            }

            if (DateTime.UtcNow > end)
            {
                throw new TimeoutException("The fault test's database did not answer while waiting for the jobs to settle.");
            }

            await Task.Delay(250);
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

internal sealed record LedgerRow(string Status, int Attempts, int Completions, string? Error);
