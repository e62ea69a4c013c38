using Npgsql;
using QuantumPlanner.Operations.Tests.Infrastructure;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Operations.Tests;

/// <summary>qplan ops db and errors on real PostgreSQL (pg_stat_statements loaded) and SQLite.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class DatabaseCareTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly TempDirectories _temp = new();

    [Fact]
    public async Task DbVerbs_Postgres_ReportIndexesScansSizesAndSlowStatements()
    {
        TestServices.Require(TestServices.Postgres);
        var db = await MigratedSchemaAsync();
        await SeededHistory.InsertPostgresAsync(db, SeededHistory.Generate(DateTimeOffset.UtcNow, count: 200));

        // Fresh indexes have no scans: every optimization_jobs index is "rarely used".
        var indexes = await OpsRun.JsonAsync(0, "ops", "db", "index-usage", "--db", db, "--json");
        Assert.Contains(indexes["indexes"]!.AsArray(), i => i!["index"]!.GetValue<string>() == "ix_optimization_jobs_tenant_created");

        await using (var source = NpgsqlDataSource.Create(db))
        await using (var connection = await source.OpenConnectionAsync())
        {
            // The shared server preloads the library (tests/services/postgres.sh); each database creates the view.
            await using (var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection))
            {
                await extension.ExecuteNonQueryAsync();
            }

            for (var i = 0; i < 30; i++)
            {
                await using var scan = new NpgsqlCommand("SELECT count(*) FROM optimization_jobs WHERE error LIKE '%failed%'", connection);
                await scan.ExecuteScalarAsync();
            }

            // Statistics reach the shared counters when a backend reports them; force it for this session.
            await using var flush = new NpgsqlCommand("SELECT pg_stat_force_next_flush()", connection);
            await flush.ExecuteNonQueryAsync();
            await using var idle = new NpgsqlCommand("SELECT 1", connection);
            await idle.ExecuteScalarAsync();
        }

        var scans = await OpsRun.JsonAsync(0, "ops", "db", "seq-scans", "--min-scans", "20", "--db", db, "--json");
        var jobsTable = Assert.Single(scans["tables"]!.AsArray(), t => t!["table"]!.GetValue<string>() == "optimization_jobs")!;
        Assert.True(jobsTable["sequentialScans"]!.GetValue<long>() >= 30);

        var slow = await OpsRun.JsonAsync(0, "ops", "db", "slow-queries", "--limit", "50", "--db", db, "--json");
        Assert.Contains(slow["statements"]!.AsArray(), s => s!["query"]!.GetValue<string>().Contains("error LIKE", StringComparison.Ordinal) && s["calls"]!.GetValue<long>() >= 30);

        var analysis = await OpsRun.JsonAsync(0, "ops", "db", "analyze-slow", "--limit", "50", "--db", db, "--json");
        var explained = Assert.Single(analysis["statements"]!.AsArray(), s => s!["query"]!.GetValue<string>().Contains("error LIKE", StringComparison.Ordinal))!;
        Assert.True(explained["plan"] is not null, explained.ToJsonString());
        Assert.Contains("Seq Scan on optimization_jobs", explained["plan"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("Sequential scan on optimization_jobs", explained["suggestion"]!.GetValue<string>(), StringComparison.Ordinal);

        var vacuum = await OpsRun.JsonAsync(0, "ops", "db", "vacuum", "--db", db, "--json");
        Assert.StartsWith("VACUUM ANALYZE", vacuum["steps"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var stats = await OpsRun.JsonAsync(0, "ops", "db", "stats", "--db", db, "--json");
        var status = Assert.Single(stats["columns"]!.AsArray(), c => c!["column"]!.GetValue<string>() == "status")!;
        Assert.Equal(5, status["distinctValues"]!.GetValue<double>());

        var size = await OpsRun.JsonAsync(0, "ops", "db", "size", "--db", db, "--json");
        var table = Assert.Single(size["relations"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "optimization_jobs")!;
        Assert.Equal(200, table["rows"]!.GetValue<long>());
        Assert.True(size["databaseBytes"]!.GetValue<long>() > table["bytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task DbSlowVerbs_ServerWithoutPgStatStatements_SayHowToEnableIt()
    {
        await using var server = await PrivatePostgres.StartAsync(statements: false);
        await using (var store = StorageFactory.CreateJobStore(server.ConnectionString, "unused"))
        {
            await store.MigrateAsync();
        }

        var (exit, _, error) = await OpsRun.RunAsync("ops", "db", "slow-queries", "--db", server.ConnectionString);
        Assert.Equal(2, exit);
        Assert.Contains("shared_preload_libraries = 'pg_stat_statements'", error, StringComparison.Ordinal);
        Assert.Contains("CREATE EXTENSION pg_stat_statements", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DbSlowLog_PrivateServer_AsksThenSetsAndReloadsWithYes()
    {
        await using var server = await PrivatePostgres.StartAsync();
        await using (var store = StorageFactory.CreateJobStore(server.ConnectionString, "unused"))
        {
            await store.MigrateAsync();
        }

        var dir = _temp.New();
        var off = await OpsRun.JsonAsync(0, "ops", "db", "slow-log", "--db", server.ConnectionString, "--data-dir", dir, "--json");
        Assert.Null(off["thresholdMs"]);

        // Without --yes and without a terminal nothing changes.
        var (refused, _, why) = await OpsRun.RunAsync("ops", "db", "slow-log", "--threshold", "1s", "--db", server.ConnectionString, "--data-dir", dir);
        Assert.Equal(2, refused);
        Assert.Contains("--yes", why, StringComparison.Ordinal);
        Assert.DoesNotContain("log_min_duration_statement", server.AutoConf, StringComparison.Ordinal);

        await OpsRun.JsonAsync(0, "ops", "db", "slow-log", "--threshold", "1s", "--yes", "--db", server.ConnectionString, "--data-dir", dir, "--json");
        Assert.Contains("log_min_duration_statement = '1000'", server.AutoConf, StringComparison.Ordinal);
        var now = await OpsRun.JsonAsync(0, "ops", "db", "slow-log", "--db", server.ConnectionString, "--json");
        Assert.Equal(1000, now["thresholdMs"]!.GetValue<double>());

        await using var audit = StorageFactory.CreateAuditLog(server.ConnectionString, dir);
        var entries = await audit.ListAsync(new AuditQuery(Action: "db.slow-log"), CancellationToken.None);
        Assert.Single(entries);
    }

    [Fact]
    public async Task DbVerbs_Sqlite_VacuumAndSizeWorkStatisticsVerbsAreNotApplicable()
    {
        var dir = _temp.New();
        await SeededHistory.InsertSqliteAsync(dir, SeededHistory.Generate(DateTimeOffset.UtcNow, count: 50));
        var vacuum = await OpsRun.JsonAsync(0, "ops", "db", "vacuum", "--data-dir", dir, "--json");
        Assert.Equal("PRAGMA integrity_check: ok", vacuum["steps"]![0]!.GetValue<string>());
        var stats = await OpsRun.JsonAsync(0, "ops", "db", "stats", "--data-dir", dir, "--json");
        Assert.NotEmpty(stats["columns"]!.AsArray());
        var size = await OpsRun.JsonAsync(0, "ops", "db", "size", "--data-dir", dir, "--json");
        Assert.Contains(size["relations"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "optimization_jobs" && r["rows"]!.GetValue<long>() == 50);

        foreach (var verb in new[] { "index-usage", "seq-scans", "slow-queries", "analyze-slow", "slow-log" })
        {
            var (exit, _, error) = await OpsRun.RunAsync("ops", "db", verb, "--data-dir", dir);
            Assert.Equal(2, exit);
            Assert.Contains("not applicable on SQLite", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Errors_SeededHistory_CountsFailedJobsByBackendAndTenant()
    {
        var dir = _temp.New();
        var jobs = SeededHistory.Generate(DateTimeOffset.UtcNow);
        await SeededHistory.InsertSqliteAsync(dir, jobs);
        var since = DateTimeOffset.UtcNow.AddDays(-2);
        var failed = jobs.Where(j => j.Status == "failed" && j.Completed >= since).ToList();
        Assert.NotEmpty(failed);

        var report = await OpsRun.JsonAsync(0, "ops", "errors", "--since", "2d", "--data-dir", dir, "--json");
        Assert.Equal(failed.Count, report["failed"]!.GetValue<int>());
        Assert.Equal(
            failed.GroupBy(j => j.Requested).ToDictionary(g => g.Key, g => g.Count()),
            report["byBackend"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["failed"]!.GetValue<int>()));
        Assert.Equal(
            failed.GroupBy(j => j.Tenant).ToDictionary(g => g.Key, g => g.Count()),
            report["byTenant"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["failed"]!.GetValue<int>()));
        var newest = failed.MaxBy(j => j.Completed)!;
        Assert.Equal(newest.Error, report["jobs"]![0]!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task DbSize_SqliteWithoutDbstat_CountsEveryBtreePageOfTheFile()
    {
        var dir = _temp.New();
        await SeededHistory.InsertSqliteAsync(dir, SeededHistory.Generate(DateTimeOffset.UtcNow, count: 600));
        var size = await OpsRun.JsonAsync(0, "ops", "db", "size", "--data-dir", dir, "--json");
        var relations = size["relations"]!.AsArray();
        Assert.All(relations, r => Assert.Equal("page walk", r!["sizeSource"]!.GetValue<string>()));
        var jobs = relations.Single(r => r!["name"]!.GetValue<string>() == "optimization_jobs")!["bytes"]!.GetValue<long>();
        Assert.Equal(relations[0]!["bytes"]!.GetValue<long>(), jobs);

        // Every page of the file belongs to one b-tree or to the free list; the listing leaves out SQLite's own
        // (sqlite_schema, sqlite_sequence, the primary keys' sqlite_autoindex_*): a small share.
        long pageSize, pageCount, freePages, payload;
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={StorageFactory.SqlitePath(dir)}"))
        {
            await connection.OpenAsync();
            pageSize = await ScalarAsync(connection, "PRAGMA page_size");
            pageCount = await ScalarAsync(connection, "PRAGMA page_count");
            freePages = await ScalarAsync(connection, "PRAGMA freelist_count");
            payload = await ScalarAsync(connection, "SELECT sum(length(problem) + coalesce(length(result), 0) + coalesce(length(error), 0)) FROM optimization_jobs");
        }

        var listedPages = relations.Sum(r => r!["bytes"]!.GetValue<long>()) / pageSize;
        var unlisted = pageCount - freePages - listedPages;
        Assert.True(unlisted >= 1 && unlisted <= listedPages / 3, $"{pageCount} pages, {freePages} free, {listedPages} listed");
        // The jobs' JSON alone needs this many bytes; the table's pages hold it (with headers and slack, not twice).
        Assert.InRange(jobs, payload, (2 * payload) + (16 * pageSize));
    }

    private static async Task<long> ScalarAsync(Microsoft.Data.Sqlite.SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose() => _temp.Dispose();

    private async Task<string> MigratedSchemaAsync()
    {
        var db = await postgres.NewSchemaAsync();
        await using var store = StorageFactory.CreateJobStore(db, "unused");
        await store.MigrateAsync();
        return db;
    }
}
