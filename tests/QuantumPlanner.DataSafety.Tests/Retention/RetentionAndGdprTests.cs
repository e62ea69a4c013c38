using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Archive;
using QuantumPlanner.Storage.Backup;
using QuantumPlanner.Storage.Caching;
using QuantumPlanner.Storage.Gdpr;
using QuantumPlanner.Storage.Retention;
using StackExchange.Redis;

namespace QuantumPlanner.DataSafety.Tests.Retention;

/// <summary>retention-audit counts what the seed made; gdpr export holds a tenant's data, erase removes it everywhere, check sees both.</summary>
public sealed class RetentionAndGdprTests : AbstractStoreTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task RetentionAudit_CountsPerTenantAndBand_AndPastPolicyDropsToZeroAfterArchive(string kind)
    {
        var store = await Stores.NewAsync(kind);
        var now = DateTimeOffset.UtcNow;
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 400, Seed: 31), now);

        var report = await RetentionAudit.RunAsync(store, 90, now);

        Assert.Equal(400, report.Tenants.Sum(t => t.Rows));
        Assert.Equal(4, report.Tenants.Count);
        Assert.Equal(report.Tenants.Sum(t => t.Rows), report.Tenants.SelectMany(t => t.Cells).Sum(c => c.Rows));
        var expectedPast = await JobSeeder.ScalarAsync(store, store.IsPostgres
            ? "SELECT count(*) FROM optimization_jobs WHERE status IN ('completed','failed','cancelled') AND created_at < now() - interval '90 days'"
            : "SELECT count(*) FROM optimization_jobs WHERE status IN ('completed','failed','cancelled') AND created_at < (unixepoch('now') - 90 * 86400) * 1000000");
        Assert.Equal(expectedPast, report.PastPolicy);
        Assert.True(report.PastPolicy > 0);
        Assert.False(report.Ok);
        Assert.Null(report.LastPurge);
        Assert.All(report.Tenants, t => Assert.True(t.PayloadBytes > 0 && t.Oldest < now - TimeSpan.FromDays(300)));

        await Archives.RunAsync(new ArchiveOptions { Store = store, Directory = Stores.NewDirectory(), OlderThan = TimeSpan.FromDays(90), Statuses = [JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled] });
        var after = await RetentionAudit.RunAsync(store, 90, DateTimeOffset.UtcNow);
        Assert.True(after.Ok);
        Assert.Equal(expectedPast, after.LastPurge!.Rows);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Gdpr_ExportHoldsTheTenant_EraseRemovesItAndItsCachedResults_CheckPasses(string kind)
    {
        var store = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 200, Seed: 32, MaxAgeDays: 20));
        var tenantJobs = await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs WHERE tenant_id = 't2'");
        var otherJobs = await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs WHERE tenant_id <> 't2'");
        var tenantProgress = await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM job_progress JOIN optimization_jobs ON id = job_id WHERE tenant_id = 't2'");
        var allProgress = await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM job_progress");
        Assert.InRange(tenantProgress, 1, allProgress - 1);
        await using (var audit = StorageFactory.CreateAuditLog(store.PostgresConnectionString, store.DataDirectory))
        {
            await audit.WriteAsync(new AuditRecord("key.create", TenantId: "t2", Target: "key2-32"));
        }

        var export = await TenantData.ExportAsync(store, "t2", Path.Combine(Stores.NewDirectory(), "t2.jsonl.gz"));
        Assert.Equal(tenantJobs, export.Jobs);
        Assert.Equal(tenantProgress, export.ProgressRows);
        Assert.Equal(1, export.Keys);
        Assert.Equal(1, export.AuditEntries);
        var lines = await ReadLinesAsync(export.Path);
        Assert.Equal(1 + tenantJobs + 1 + 1, lines.Count);
        Assert.DoesNotContain(lines, l => l.Contains("\"salt\"", StringComparison.Ordinal) || l.Contains("\"hash\":", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l.Contains("\"type\":\"job\"", StringComparison.Ordinal)), l => Assert.Contains("\"tenant_id\":\"t2\"", l, StringComparison.Ordinal));
        Assert.Equal(tenantProgress, lines.Sum(l => System.Text.RegularExpressions.Regex.Count(l, "\"elapsed_ms\":")));

        // A cached result of one of the tenant's jobs, as the worker stores it.
        var redisEndpoint = Environment.GetEnvironmentVariable("QP_TEST_REDIS") ?? throw new InvalidOperationException("QP_TEST_REDIS is not set. Maybe source tests/services/redis.sh.");
        JobRecord job;
        await using (var jobs = StorageFactory.CreateJobStore(store.PostgresConnectionString, store.DataDirectory))
        {
            var id = await FirstIdAsync(store, "t2");
            job = (await jobs.GetByIdAsync(id))!;
        }

        var key = CacheKey.For(job.TenantId, job.ProblemJson, job.BackendRequested, job.TimeLimitSeconds, job.Seed);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(redisEndpoint);
        await redis.GetDatabase().StringSetAsync(key, "{}", TimeSpan.FromMinutes(5));

        var erased = await TenantData.EraseAsync(store, "t2", redisEndpoint);

        Assert.Equal(tenantJobs, erased.Jobs);
        Assert.Equal(1, erased.Keys);
        Assert.True(erased.CacheKeysEvicted >= 1);
        Assert.False(await redis.GetDatabase().KeyExistsAsync(key));
        Assert.Equal(0, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs WHERE tenant_id = 't2'"));
        Assert.Equal(0, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM api_keys WHERE tenant_id = 't2'"));
        Assert.Equal(otherJobs, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs"));
        // The tenant's progress history went with its jobs (cascade / trigger), the other tenants' stayed.
        Assert.Equal(allProgress - tenantProgress, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM job_progress"));
        Assert.Equal(0, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM job_progress WHERE job_id NOT IN (SELECT id FROM optimization_jobs)"));
        Assert.Equal(tenantJobs, erased.KeptAggregates.Values.Sum());

        var checks = await TenantData.CheckAsync(store, 90, policyConfigured: true, maxPurgeAgeDays: 2, new StringReader("GET /api/v1/jobs 200\n"), "service.log");
        Assert.True(checks.Single(c => c.Name == "erasures completed").Passed);
        Assert.True(checks.Single(c => c.Name == "no payload older than policy").Passed);
        Assert.True(checks.Single(c => c.Name == "no problem content in logs").Passed);
        Assert.False(checks.Single(c => c.Name == "last purge recent").Passed);
    }

    [Fact]
    public async Task GdprCheck_FailsOnProblemContentInTheLog_AndOnRowsOfAnErasedTenant()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 30, Seed: 33, MaxAgeDays: 5));
        await TenantData.EraseAsync(store, "t1", null);
        // The erased tenant comes back (e.g. a restore from an old backup): the check must notice.
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 30, Seed: 34, MaxAgeDays: 5, Tenants: 2));

        var log = new StringReader("ok\nsolving {\"tasks\":[{\"id\":\"secret\"}]}\nok\n");
        var checks = await TenantData.CheckAsync(store, 90, true, 2, log, "service.log");

        var logs = checks.Single(c => c.Name == "no problem content in logs");
        Assert.False(logs.Passed);
        Assert.Contains("lines 2", logs.Detail, StringComparison.Ordinal);
        var erasures = checks.Single(c => c.Name == "erasures completed");
        Assert.False(erasures.Passed);
        Assert.Contains("t1", erasures.Detail, StringComparison.Ordinal);
    }

    private static async Task<Guid> FirstIdAsync(StoreLocation store, string tenant)
    {
        await using var connection = await JobSeeder.OpenAsync(store);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id FROM optimization_jobs WHERE tenant_id = '{tenant}' ORDER BY id LIMIT 1";
        var value = await command.ExecuteScalarAsync();
        return value is Guid id ? id : Guid.Parse((string)value!);
    }

    private static async Task<List<string>> ReadLinesAsync(string path)
    {
        await using var file = File.OpenRead(path);
        await using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
