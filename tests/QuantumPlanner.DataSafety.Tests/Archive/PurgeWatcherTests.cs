using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Service.Api;
using QuantumPlanner.Service.Workers;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Archive;
using QuantumPlanner.Storage.Caching;
using QuantumPlanner.Storage.Gdpr;

namespace QuantumPlanner.DataSafety.Tests.Archive;

/// <summary>A running service stops serving purged or erased jobs from memory once the purge generation moves.</summary>
public sealed class PurgeWatcherTests : AbstractStoreTests
{
    [Fact]
    public async Task AfterAnArchivePurgeOrAnErasure_TheInProcessCachesAreCleared()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 100, Seed: 51));
        await using var jobs = StorageFactory.CreateJobStore(store.PostgresConnectionString, store.DataDirectory);
        var finished = new FinishedJobCache(1024 * 1024, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var results = new MemoryResultCache();
        var watcher = new PurgeWatcher(jobs, finished, results, NullLogger<PurgeWatcher>.Instance);
        Assert.False(await watcher.CheckAsync(default));

        var old = (await jobs.ListAsync("t0", JobStatus.Completed, 100, null)).Items.First(j => j.CreatedAt < DateTimeOffset.UtcNow - TimeSpan.FromDays(90));
        finished.Add(old);
        await results.SetAsync("qp:result:v2:x", "{}", TimeSpan.FromMinutes(5));
        Assert.True(finished.TryGet("t0", old.Id, out _));
        Assert.False(await watcher.CheckAsync(default));
        Assert.True(finished.TryGet("t0", old.Id, out _));

        await Archives.RunAsync(new ArchiveOptions { Store = store, Directory = Stores.NewDirectory(), OlderThan = TimeSpan.FromDays(90) });
        Assert.True(await watcher.CheckAsync(default));
        Assert.False(finished.TryGet("t0", old.Id, out _));
        Assert.Equal(0, results.Count);

        var recent = (await jobs.ListAsync("t1", null, 1, null)).Items.Single();
        finished.Add(recent with { Status = JobStatus.Completed });
        await TenantData.EraseAsync(store, "t1", null);
        Assert.True(await watcher.CheckAsync(default));
        Assert.Equal(0, finished.Count);
    }
}
