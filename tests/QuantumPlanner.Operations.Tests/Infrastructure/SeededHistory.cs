using Microsoft.Data.Sqlite;
using Npgsql;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Operations.Tests.Infrastructure;

/// <summary>One seeded row of optimization_jobs.</summary>
internal sealed record SeedJob(
    Guid Id, string Tenant, string Status, string Requested, string? Used, string? WorkerId,
    DateTimeOffset Created, DateTimeOffset? Started, DateTimeOffset? Completed, DateTimeOffset? LeaseExpires, string? Error, string? ResultJson);

/// <summary>
/// A reproducible job history (tenants, backends, every status, 0-60 days old) inserted straight into the tables,
/// as the service would have left it. No job is within two hours of the 1, 7 or 30 day report boundaries, so a
/// report run a few seconds after seeding sees exactly the jobs the test's own SQL sees.
/// </summary>
internal static class SeededHistory
{
    public static readonly string[] Tenants = ["acme", "globex", "initech"];

    public static IReadOnlyList<SeedJob> Generate(DateTimeOffset now, int count = 600, int seed = 42)
    {
        var random = new Random(seed);
        string[] backends = ["cpsat", "anneal", "greedy", "tabu", "localsearch"];
        double?[] gaps = [0, 0.004, 0.03, 0.07, 0.25, null];
        var jobs = new List<SeedJob>();
        while (jobs.Count < count)
        {
            var ageHours = 1 + (random.NextDouble() * 59 * 24);
            if (new[] { 24.0, 7 * 24.0, 30 * 24.0 }.Any(b => Math.Abs(ageHours - b) < 2))
            {
                continue;
            }

            var created = Truncate(now - TimeSpan.FromHours(ageHours));
            var tenant = Tenants[random.Next(Tenants.Length)];
            var requested = backends[random.Next(backends.Length)];
            var roll = random.NextDouble();
            var status = roll < 0.70 ? "completed" : roll < 0.82 ? "failed" : roll < 0.90 ? "cancelled" : roll < 0.95 ? "queued" : "running";
            var wait = TimeSpan.FromMilliseconds(Math.Round(random.NextDouble() * random.NextDouble() * 120_000, 3));
            var solve = TimeSpan.FromMilliseconds(Math.Round(50 + (Math.Exp(random.NextDouble() * 6) * 25), 3));
            DateTimeOffset? started = status == "queued" || (status == "cancelled" && random.NextDouble() < 0.5) ? null : Truncate(created + wait);
            DateTimeOffset? completed = status is "completed" or "failed" or "cancelled" ? Truncate((started ?? created) + solve) : null;
            var used = status == "completed"
                ? requested is "anneal" or "tabu" && random.NextDouble() < 0.3 ? "cpsat" : requested
                : null;
            var gap = gaps[random.Next(gaps.Length)];
            jobs.Add(new SeedJob(
                Guid.CreateVersion7(created),
                tenant,
                status,
                requested,
                used,
                started is null ? null : $"worker-{random.Next(3)}",
                created,
                started,
                completed,
                status == "running" ? Truncate(now + TimeSpan.FromMinutes(5)) : null,
                status == "failed" ? $"InvalidOperationException: {requested} failed on job {jobs.Count}" : null,
                status == "completed" ? (gap is { } g ? $"{{\"status\":\"feasible\",\"gap\":{g.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}" : "{\"status\":\"feasible\"}") : null));
        }

        return jobs;
    }

    public static async Task InsertPostgresAsync(string connectionString, IEnumerable<SeedJob> jobs)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var connection = await source.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var job in jobs)
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO optimization_jobs (id, tenant_id, status, backend_requested, backend_used, problem, result, problem_hash, attempts, worker_id,
                    lease_expires_at, created_at, started_at, completed_at, error, time_limit_seconds, seed)
                VALUES ($1, $2, $3, $4, $5, '{}'::jsonb, $6::jsonb, 'h', 1, $7, $8, $9, $10, $11, $12, 10, 1)
                """, connection, transaction);
            foreach (var value in new object?[] { job.Id, job.Tenant, job.Status, job.Requested, job.Used, job.ResultJson, job.WorkerId, job.LeaseExpires, job.Created, job.Started, job.Completed, job.Error })
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }

            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>Creates the SQLite store in <paramref name="dataDir"/> (migrated) and inserts the jobs.</summary>
    public static async Task InsertSqliteAsync(string dataDir, IEnumerable<SeedJob> jobs)
    {
        await using (var store = StorageFactory.CreateJobStore(null, dataDir))
        {
            await store.MigrateAsync();
        }

        await using var connection = new SqliteConnection($"Data Source={StorageFactory.SqlitePath(dataDir)};Pooling=False");
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        foreach (var job in jobs)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO optimization_jobs (id, tenant_id, status, backend_requested, backend_used, problem, result, problem_hash, attempts, worker_id,
                    lease_expires_at, created_at, started_at, completed_at, error, time_limit_seconds, seed)
                VALUES ($id, $tenant, $status, $requested, $used, '{}', $result, 'h', 1, $worker, $lease, $created, $started, $completed, $error, 10, 1)
                """;
            command.Parameters.AddWithValue("$id", job.Id.ToString());
            command.Parameters.AddWithValue("$tenant", job.Tenant);
            command.Parameters.AddWithValue("$status", job.Status);
            command.Parameters.AddWithValue("$requested", job.Requested);
            command.Parameters.AddWithValue("$used", (object?)job.Used ?? DBNull.Value);
            command.Parameters.AddWithValue("$result", (object?)job.ResultJson ?? DBNull.Value);
            command.Parameters.AddWithValue("$worker", (object?)job.WorkerId ?? DBNull.Value);
            command.Parameters.AddWithValue("$lease", Micros(job.LeaseExpires));
            command.Parameters.AddWithValue("$created", Micros(job.Created));
            command.Parameters.AddWithValue("$started", Micros(job.Started));
            command.Parameters.AddWithValue("$completed", Micros(job.Completed));
            command.Parameters.AddWithValue("$error", (object?)job.Error ?? DBNull.Value);
            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    private static object Micros(DateTimeOffset? time) =>
        time is { } t ? (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : DBNull.Value;

    private static DateTimeOffset Truncate(DateTimeOffset value) => new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);
}
