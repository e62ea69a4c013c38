using Microsoft.Data.Sqlite;
using QuantumPlanner.Operations.Tests.Infrastructure;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Caching;
using QuantumPlanner.Storage.Tests.Infrastructure;
using StackExchange.Redis;

namespace QuantumPlanner.Operations.Tests;

/// <summary>qplan ops cleanup and cache flush on SQLite and a real Redis (database 11 of the shared test server, so other tests' keys in database 0 are never touched).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CleanupTests : IDisposable
{
    private readonly TempDirectories _temp = new();

    private static string Redis => TestServices.Require(TestServices.Redis) + ",defaultDatabase=11";

    [Fact]
    public async Task Cleanup_PlantedLeftovers_RemovesOnlyTheStaleOnesAndAudits()
    {
        var dir = _temp.New();
        var temp = _temp.New();
        var now = DateTimeOffset.UtcNow;
        var jobs = SeededHistory.Generate(now, count: 40).ToList();
        var stale = jobs[0] with { Status = "running", WorkerId = "dead-worker", Started = now.AddHours(-2), Completed = null, LeaseExpires = now.AddHours(-1), Error = null, ResultJson = null, Used = null };
        var live = jobs[1] with { Status = "running", WorkerId = "live-worker", Started = now.AddMinutes(-1), Completed = null, LeaseExpires = now.AddMinutes(5), Error = null, ResultJson = null, Used = null };
        jobs[0] = stale;
        jobs[1] = live;
        await SeededHistory.InsertSqliteAsync(dir, jobs);
        await using (var connection = new SqliteConnection($"Data Source={StorageFactory.SqlitePath(dir)};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE temp_optimization_1 (x INTEGER); CREATE TABLE temp_optimization_2 (x INTEGER); CREATE TABLE tempxoptimization_keep (x INTEGER);";
            await create.ExecuteNonQueryAsync();
        }

        var oldFile = Path.Combine(temp, "quantum_old.qubo");
        var oldFolder = Path.Combine(temp, "quantum_run_7");
        var newFile = Path.Combine(temp, "quantum_new.qubo");
        var otherFile = Path.Combine(temp, "other_old.txt");
        foreach (var file in new[] { oldFile, newFile, otherFile })
        {
            await File.WriteAllTextAsync(file, "x");
        }

        Directory.CreateDirectory(oldFolder);
        await File.WriteAllTextAsync(Path.Combine(oldFolder, "part"), "x");
        foreach (var old in new[] { oldFile, otherFile })
        {
            File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-2));
        }

        Directory.SetLastWriteTimeUtc(oldFolder, DateTime.UtcNow.AddDays(-3));

        var dry = await OpsRun.JsonAsync(0, "ops", "cleanup", "--dry-run", "--data-dir", dir, "--temp-dir", temp, "--json");
        Assert.Equal(2, dry["tempFiles"]!.AsArray().Count);
        Assert.True(File.Exists(oldFile));

        var done = await OpsRun.JsonAsync(0, "ops", "cleanup", "--data-dir", dir, "--temp-dir", temp, "--json");
        Assert.Equal([oldFile, oldFolder], done["tempFiles"]!.AsArray().Select(f => f!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(oldFile));
        Assert.False(Directory.Exists(oldFolder));
        Assert.True(File.Exists(newFile));
        Assert.True(File.Exists(otherFile));
        Assert.Equal(["temp_optimization_1", "temp_optimization_2"], done["tempTables"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal([stale.Id.ToString()], done["requeuedJobs"]!.AsArray().Select(j => j!.GetValue<string>()));

        await using (var store = StorageFactory.CreateJobStore(null, dir))
        {
            Assert.Equal(JobStatus.Queued, (await store.GetByIdAsync(stale.Id))!.Status);
            Assert.Equal(JobStatus.Running, (await store.GetByIdAsync(live.Id))!.Status);
        }

        await using var audit = StorageFactory.CreateAuditLog(null, dir);
        Assert.Single(await audit.ListAsync(new AuditQuery(Action: "ops.cleanup"), CancellationToken.None));
    }

    [Fact]
    public async Task CacheFlush_Redis_RemovesOnlyServiceKeysUnlessAll()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis + ",allowAdmin=true");
        var db = redis.GetDatabase();
        await redis.GetServers()[0].FlushDatabaseAsync(11);
        await db.StringSetAsync(CacheKey.Prefix + "a", "{}", TimeSpan.FromHours(1));
        await db.StringSetAsync(CacheKey.Prefix + "b", "{}", TimeSpan.FromHours(1));
        await db.StringSetAsync("qp:result:v0:old", "{}");
        await db.StringSetAsync(CacheKey.Prefix + "forever", "{}");
        await db.StringSetAsync("billing:invoice:1", "keep");
        var dir = _temp.New();

        // cleanup drops what can never be read again: older result formats and keys without expiry.
        var cleaned = await OpsRun.JsonAsync(0, "ops", "cleanup", "--redis", Redis, "--data-dir", await StoreAsync(dir), "--temp-dir", _temp.New(), "--json");
        Assert.Equal(2, cleaned["staleCacheKeys"]!.GetValue<long>());
        Assert.False(await db.KeyExistsAsync("qp:result:v0:old"));
        Assert.True(await db.KeyExistsAsync(CacheKey.Prefix + "a"));

        var flushed = await OpsRun.JsonAsync(0, "ops", "cache", "flush", "--redis", Redis, "--data-dir", dir, "--json");
        Assert.Equal(2, flushed["removed"]!.GetValue<long>());
        Assert.False(await db.KeyExistsAsync(CacheKey.Prefix + "a"));
        Assert.Equal("keep", (string?)await db.StringGetAsync("billing:invoice:1"));

        var (refused, _, _) = await OpsRun.RunAsync("ops", "cache", "flush", "--all", "--redis", Redis, "--data-dir", dir);
        Assert.Equal(2, refused);
        Assert.True(await db.KeyExistsAsync("billing:invoice:1"));
        await OpsRun.JsonAsync(0, "ops", "cache", "flush", "--all", "--yes", "--redis", Redis, "--data-dir", dir, "--json");
        Assert.False(await db.KeyExistsAsync("billing:invoice:1"));

        await using var audit = StorageFactory.CreateAuditLog(null, dir);
        Assert.Equal(2, (await audit.ListAsync(new AuditQuery(Action: "cache.flush"), CancellationToken.None)).Count);
    }

    [Fact]
    public async Task CacheFlush_NoRedis_SaysTheMemoryCacheLivesInTheService()
    {
        var previous = Environment.GetEnvironmentVariable("QP_REDIS");
        Environment.SetEnvironmentVariable("QP_REDIS", null);
        try
        {
            var (exit, _, error) = await OpsRun.RunAsync("ops", "cache", "flush", "--data-dir", _temp.New());
            Assert.Equal(2, exit);
            Assert.Contains("No Redis given", error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("QP_REDIS", previous);
        }
    }

    public void Dispose() => _temp.Dispose();

    private static async Task<string> StoreAsync(string dir)
    {
        await using var store = StorageFactory.CreateJobStore(null, dir);
        await store.MigrateAsync();
        return dir;
    }
}
