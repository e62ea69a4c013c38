using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Infrastructure;

/// <summary>
/// Seeds job histories straight into the tables (the queue API only makes jobs "now"): tenants t0..t3, every status,
/// created 0–400 days ago, problems and results of varying size, a progress history (job_progress) of up to
/// <see cref="Options.MaxProgressPoints"/> points on most started jobs, for some also of an earlier attempt, one API
/// key per tenant and a setting. Same seed, same rows (but new job ids).
/// </summary>
public static class JobSeeder
{
    public static readonly string[] Statuses = ["completed", "failed", "cancelled", "queued", "running", "completed", "completed", "failed"];

    public sealed record Options(int Jobs, int Seed = 1, int MaxAgeDays = 400, int Tenants = 4, int RandomPayloadBytes = 0, int MaxProgressPoints = 6);

    public static async Task SeedAsync(StoreLocation store, Options options, DateTimeOffset? now = null)
    {
        var random = new Random(options.Seed);
        // Its own sequence, so the jobs' columns are those the seed always made.
        var progressRandom = new Random(options.Seed + 7919);
        var clock = now ?? DateTimeOffset.UtcNow;
        await using var connection = await OpenAsync(store);
        await using var transaction = await connection.BeginTransactionAsync();
        for (var i = 0; i < options.Jobs; i++)
        {
            var status = Statuses[random.Next(Statuses.Length)];
            var age = TimeSpan.FromDays(random.NextDouble() * options.MaxAgeDays);
            var created = Truncate(clock - age);
            var finished = status is "completed" or "failed" or "cancelled";
            var padding = options.RandomPayloadBytes > 0 ? Convert.ToBase64String(RandomBytes(random, options.RandomPayloadBytes)) : new string('x', random.Next(0, 200));
            var id = Guid.NewGuid();
            var retried = status != "queued" && progressRandom.Next(4) == 0;
            var claimToken = status == "queued" ? 0L : retried ? 2L : 1L;
            var values = new object?[]
            {
                id,
                "t" + random.Next(options.Tenants),
                status,
                "auto",
                status == "completed" ? "greedy" : null,
                $$"""{"name":"job-{{i}}","horizon":{{random.Next(10, 100)}},"tasks":[{"id":"a","duration":3}],"note":"{{padding}}"}""",
                status == "completed" ? $$$"""{"status":"feasible","score":{"objective":{{{random.Next(1000)}}}}}""" : null,
                "hash" + random.Next(50),
                random.Next(3) == 0 ? "key-" + i : null,
                (int)claimToken,
                status == "running" ? "worker-1" : null,
                status == "running" ? Truncate(clock + TimeSpan.FromMinutes(1)) : null,
                created,
                status == "queued" ? null : created + TimeSpan.FromSeconds(1),
                finished ? created + TimeSpan.FromSeconds(3) : null,
                status == "failed" ? "boom " + i : null,
                30,
                (long)random.Next(),
                status == "running" ? random.NextDouble() * 100 : null,
                claimToken,
            };
            await InsertJobAsync(connection, transaction, store.IsPostgres, values);
            for (var token = retried ? 1L : claimToken; token >= 1 && token <= claimToken; token++)
            {
                var elapsed = 0L;
                var objective = progressRandom.Next(500, 5000) + progressRandom.NextDouble();
                for (var n = progressRandom.Next(options.MaxProgressPoints + 1); n > 0; n--)
                {
                    elapsed += progressRandom.Next(1, 3000);
                    objective -= progressRandom.NextDouble() * 50;
                    await ExecuteAsync(connection, transaction, store.IsPostgres,
                        "INSERT INTO job_progress (job_id, claim_token, elapsed_ms, objective) VALUES (@p0, @p1, @p2, @p3)", [id, token, elapsed, objective]);
                }
            }
        }

        for (var t = 0; t < options.Tenants; t++)
        {
            await ExecuteAsync(connection, transaction, store.IsPostgres,
                "INSERT INTO api_keys (id, tenant_id, admin, salt, hash, created_at, revoked_at) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, NULL)",
                ["key" + t + "-" + options.Seed, "t" + t, t == 0, RandomBytes(random, 16), RandomBytes(random, 32), Truncate(clock - TimeSpan.FromDays(t))]);
        }

        await ExecuteAsync(connection, transaction, store.IsPostgres,
            store.IsPostgres
                ? "INSERT INTO settings (key, value, updated_at) VALUES (@p0, @p1::jsonb, @p2) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                : "INSERT INTO settings (key, value, updated_at) VALUES (@p0, @p1, @p2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            ["seeded", $$"""{"seed":{{options.Seed}}}""", Truncate(clock)]);
        await transaction.CommitAsync();
    }

    public static async Task<DbConnection> OpenAsync(StoreLocation store)
    {
        DbConnection connection = store.IsPostgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(store.PostgresConnectionString) { Multiplexing = false }.ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store.SqlitePath, Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<long> ScalarAsync(StoreLocation store, string sql)
    {
        await using var connection = await OpenAsync(store);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static readonly string[] JobColumns =
    [
        "id", "tenant_id", "status", "backend_requested", "backend_used", "problem", "result", "problem_hash", "idempotency_key", "attempts",
        "worker_id", "lease_expires_at", "created_at", "started_at", "completed_at", "error", "time_limit_seconds", "seed", "progress_objective",
        "claim_token",
    ];

    private static Task InsertJobAsync(DbConnection connection, DbTransaction transaction, bool postgres, object?[] values)
    {
        var parameters = string.Join(", ", JobColumns.Select((c, i) => postgres && c is "problem" or "result" ? $"@p{i}::jsonb" : $"@p{i}"));
        return ExecuteAsync(connection, transaction, postgres, $"INSERT INTO optimization_jobs ({string.Join(", ", JobColumns)}) VALUES ({parameters})", values);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, bool postgres, string sql, object?[] values)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i;
            parameter.Value = ToStore(values[i], postgres);
            if (postgres && values[i] is null)
            {
                ((NpgsqlParameter)parameter).NpgsqlDbType = NpgsqlDbType.Unknown;
            }

            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static object ToStore(object? value, bool postgres) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time when !postgres => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10,
        DateTimeOffset time => time,
        Guid id when !postgres => id.ToString("D"),
        bool flag when !postgres => flag ? 1 : 0,
        _ => value,
    };

    private static DateTimeOffset Truncate(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
