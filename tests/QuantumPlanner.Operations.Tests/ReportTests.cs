using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using QuantumPlanner.Operations.Tests.Infrastructure;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Operations.Tests;

/// <summary>
/// The performance and capacity reports on a seeded history, checked against PostgreSQL's own aggregates
/// (percentile_cont, count FILTER, regr_slope) over the same rows, and SQLite's report against PostgreSQL's.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReportTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly TempDirectories _temp = new();

    [Fact]
    public async Task PerformanceReport_SeededPostgres_MatchesSqlAggregates()
    {
        TestServices.Require(TestServices.Postgres);
        var db = await SeedPostgresAsync();
        var report = await OpsRun.JsonAsync(0, "ops", "report", "performance", "--period", "7d", "--json", "--db", db);
        var from = report["from"]!.GetValue<DateTimeOffset>();

        await using var source = NpgsqlDataSource.Create(db);
        var expected = await RowsAsync(source, """
            SELECT backend_requested,
                   count(*), count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'cancelled'),
                   count(*) FILTER (WHERE status = 'completed' AND backend_requested IN ('anneal', 'pt', 'tabu') AND backend_used NOT IN ('anneal', 'pt', 'tabu')),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - started_at)) FILTER (WHERE status = 'completed'),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - started_at)) FILTER (WHERE status = 'completed'),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - started_at)) FILTER (WHERE status = 'completed'),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)) FILTER (WHERE started_at IS NOT NULL)
            FROM optimization_jobs WHERE created_at >= $1 GROUP BY 1 ORDER BY 1
            """, from);
        var backends = report["backends"]!.AsArray();
        Assert.Equal(expected.Count, backends.Count);
        Assert.True(expected.Count >= 4, "the seed should cover several backends in 7 days");
        for (var i = 0; i < expected.Count; i++)
        {
            var row = expected[i];
            var backend = backends[i]!;
            Assert.Equal((string)row[0]!, backend["backend"]!.GetValue<string>());
            var totals = backend["totals"]!;
            Assert.Equal((long)row[1]!, totals["jobs"]!.GetValue<long>());
            Assert.Equal((long)row[2]!, totals["completed"]!.GetValue<long>());
            Assert.Equal((long)row[3]!, totals["failed"]!.GetValue<long>());
            Assert.Equal((long)row[4]!, totals["cancelled"]!.GetValue<long>());
            Assert.Equal((long)row[5]!, totals["fallbacks"]!.GetValue<long>());
            AssertClose(row[6], backend["solveSeconds"]!["p50"]);
            AssertClose(row[7], backend["solveSeconds"]!["p95"]);
            AssertClose(row[8], backend["solveSeconds"]!["p99"]);
            AssertClose(row[9], backend["queueWaitSeconds"]!["p95"]);
            var finished = (long)row[2]! + (long)row[3]! + (long)row[4]!;
            Assert.Equal(finished == 0 ? 0 : (double)(long)row[3]! / finished, totals["failureRate"]!.GetValue<double>(), 9);
        }

        Assert.True(report["totals"]!["fallbacks"]!.GetValue<long>() > 0, "the seed has classical fallbacks");

        var perDay = await RowsAsync(source, """
            SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'failed'),
                   count(*) FILTER (WHERE status = 'cancelled'), count(*) FILTER (WHERE status IN ('queued', 'running'))
            FROM optimization_jobs WHERE created_at >= $1 GROUP BY 1 ORDER BY 1
            """, from);
        var days = report["days"]!.AsArray().ToDictionary(d => d!["date"]!.GetValue<string>());
        Assert.Equal(8, days.Count);
        foreach (var row in perDay)
        {
            var day = days[(string)row[0]!]!;
            Assert.Equal((long)row[1]!, day["completed"]!.GetValue<long>());
            Assert.Equal((long)row[2]!, day["failed"]!.GetValue<long>());
            Assert.Equal((long)row[3]!, day["cancelled"]!.GetValue<long>());
            Assert.Equal((long)row[4]!, day["pending"]!.GetValue<long>());
        }

        Assert.Equal(perDay.Sum(r => (long)r[1]! + (long)r[2]! + (long)r[3]! + (long)r[4]!), report["totals"]!["jobs"]!.GetValue<long>());

        var gaps = await RowsAsync(source, """
            SELECT count(*) FILTER (WHERE (result->>'gap')::float8 = 0), count(*) FILTER (WHERE (result->>'gap')::float8 > 0 AND (result->>'gap')::float8 <= 0.01),
                   count(*) FILTER (WHERE (result->>'gap')::float8 > 0.01 AND (result->>'gap')::float8 <= 0.05), count(*) FILTER (WHERE (result->>'gap')::float8 > 0.05 AND (result->>'gap')::float8 <= 0.10),
                   count(*) FILTER (WHERE (result->>'gap')::float8 > 0.10), count(*) FILTER (WHERE result->'gap' IS NULL)
            FROM optimization_jobs WHERE created_at >= $1 AND status = 'completed'
            """, from);
        Assert.Equal(gaps[0].Select(v => (long)v!), report["gaps"]!.AsArray().Select(g => g!["jobs"]!.GetValue<long>()));

        var slowest = await RowsAsync(source, "SELECT id::text FROM optimization_jobs WHERE created_at >= $1 AND status = 'completed' ORDER BY completed_at - started_at DESC, id LIMIT 10", from);
        Assert.Equal(slowest.Select(r => (string)r[0]!), report["slowestJobs"]!.AsArray().Select(j => j!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PerformanceReport_SameHistoryInSqlite_EqualsPostgresReport()
    {
        TestServices.Require(TestServices.Postgres);
        var now = DateTimeOffset.UtcNow;
        var jobs = SeededHistory.Generate(now);
        var db = await postgres.NewSchemaAsync();
        await using (var store = QuantumPlanner.Storage.StorageFactory.CreateJobStore(db, "unused"))
        {
            await store.MigrateAsync();
        }

        await SeededHistory.InsertPostgresAsync(db, jobs);
        var dir = _temp.New();
        await SeededHistory.InsertSqliteAsync(dir, jobs);

        var fromPostgres = await OpsRun.JsonAsync(0, "ops", "report", "performance", "--period", "7d", "--json", "--db", db);
        var fromSqlite = await OpsRun.JsonAsync(0, "ops", "report", "performance", "--period", "7d", "--json", "--data-dir", dir);
        Assert.Equal("sqlite", fromSqlite["store"]!.GetValue<string>());
        foreach (var part in new[] { "totals", "solveSeconds", "queueWaitSeconds", "backends", "gaps", "slowestJobs" })
        {
            Assert.Equal(fromPostgres[part]!.ToJsonString(), fromSqlite[part]!.ToJsonString());
        }
    }

    [Fact]
    public async Task CapacityReport_SeededPostgres_MatchesSqlVolumeFitAndUtilisation()
    {
        TestServices.Require(TestServices.Postgres);
        var db = await SeedPostgresAsync();
        var hpa = WriteHpa(min: 2, max: 3);
        var report = await OpsRun.JsonAsync(0, "ops", "report", "capacity", "--lookback", "30d", "--json", "--db", db, "--hpa", hpa, "--replicas", "2", "--workers-per-replica", "3");
        var from = report["from"]!.GetValue<DateTimeOffset>();
        var to = report["to"]!.GetValue<DateTimeOffset>();

        await using var source = NpgsqlDataSource.Create(db);
        var fit = (await RowsAsync(source, """
            WITH days AS (
                SELECT d::date AS day, row_number() OVER (ORDER BY d) - 1 AS x
                FROM generate_series(($1 AT TIME ZONE 'UTC')::date, ($2 AT TIME ZONE 'UTC')::date, interval '1 day') d),
            volume AS (
                SELECT days.x, count(j.id) AS n FROM days
                LEFT JOIN optimization_jobs j ON (j.created_at AT TIME ZONE 'UTC')::date = days.day AND j.created_at >= $1
                GROUP BY days.x)
            SELECT regr_slope(n, x), regr_intercept(n, x), regr_r2(n, x), sum(n)::bigint, count(*) FROM volume
            """, from, to))[0];
        var volume = report["volume"]!;
        Assert.Equal((long)fit[3]!, volume["jobs"]!.GetValue<long>());
        Assert.Equal(31L, (long)fit[4]!);
        Assert.Equal((double)fit[0]!, volume["slopePerDay"]!.GetValue<double>(), 9);
        Assert.Equal((double)fit[1]!, volume["intercept"]!.GetValue<double>(), 9);
        Assert.Equal((double)fit[2]!, volume["rSquared"]!.GetValue<double>(), 9);
        Assert.Equal(31, report["days"]!.AsArray().Count);

        var busy = (double)(await RowsAsync(source, "SELECT coalesce(sum(extract(epoch FROM completed_at - started_at)), 0)::float8 FROM optimization_jobs WHERE created_at >= $1 AND started_at IS NOT NULL AND completed_at > started_at", from))[0][0]!;
        var utilisation = report["utilisation"]!;
        Assert.Equal(6, utilisation["slots"]!.GetValue<int>());
        Assert.Equal(busy, utilisation["busySeconds"]!.GetValue<double>(), 6);
        Assert.Equal(busy / (6 * (to - from).TotalSeconds), utilisation["utilisation"]!.GetValue<double>(), 9);

        var replicas = report["replicas"]!;
        Assert.Equal(2, replicas["minReplicas"]!.GetValue<int>());
        Assert.Equal(3, replicas["maxReplicas"]!.GetValue<int>());
        Assert.InRange(replicas["recommended"]!.GetValue<int>(), 2, 3);
        Assert.Contains(report["relations"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "optimization_jobs" && r["rows"]!.GetValue<long>() == 600);
        Assert.NotNull(report["disk"]?["freeBytes"]);
    }

    [Fact]
    public async Task CapacityReport_Sqlite_MeasuresTheDataDirectoryDisk()
    {
        var dir = _temp.New();
        await SeededHistory.InsertSqliteAsync(dir, SeededHistory.Generate(DateTimeOffset.UtcNow, count: 120));
        var report = await OpsRun.JsonAsync(0, "ops", "report", "capacity", "--lookback", "30d", "--json", "--data-dir", dir, "--hpa", WriteHpa(2, 10));
        var disk = report["disk"]!;
        Assert.Equal(dir, disk["directory"]!.GetValue<string>());
        Assert.True(disk["totalBytes"]!.GetValue<long>() > disk["freeBytes"]!.GetValue<long>());
        // The file plus its WAL at the time of the report; closing the store may checkpoint the WAL into the file since.
        Assert.InRange(disk["databaseBytes"]!.GetValue<long>(), new FileInfo(Path.Combine(dir, "jobs.db")).Length, long.MaxValue);
        Assert.Contains(report["relations"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "optimization_jobs" && r["rows"]!.GetValue<long>() == 120);
    }

    [Fact]
    public async Task Report_BadPeriod_ExitsTwoNamingTheOption()
    {
        var (exit, _, error) = await OpsRun.RunAsync("ops", "report", "performance", "--period", "lots", "--data-dir", _temp.New());
        Assert.Equal(2, exit);
        Assert.Contains("--period", error, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();

    internal static async Task<List<object?[]>> RowsAsync(NpgsqlDataSource source, string sql, params object[] parameters)
    {
        await using var command = source.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private async Task<string> SeedPostgresAsync()
    {
        var db = await postgres.NewSchemaAsync();
        await using (var store = QuantumPlanner.Storage.StorageFactory.CreateJobStore(db, "unused"))
        {
            await store.MigrateAsync();
        }

        await SeededHistory.InsertPostgresAsync(db, SeededHistory.Generate(DateTimeOffset.UtcNow));
        return db;
    }

    private string WriteHpa(int min, int max)
    {
        var path = Path.Combine(_temp.New(), "hpa.yaml");
        File.WriteAllText(path, $"kind: HorizontalPodAutoscaler\nspec:\n  minReplicas: {min}\n  maxReplicas: {max}\n");
        return path;
    }

    private static void AssertClose(object? expected, JsonNode? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }

        Assert.NotNull(actual);
        Assert.Equal(Convert.ToDouble(expected, CultureInfo.InvariantCulture), actual.GetValue<double>(), 6);
    }
}
