using QuantumPlanner.Storage.Caching;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Caching;

public sealed class MemoryResultCacheTests
{
    [Fact]
    public async Task TryGet_BeforeAndAfterTheTtl_HitsThenMisses()
    {
        var clock = new ManualTimeProvider();
        await using var cache = new MemoryResultCache(timeProvider: clock);
        await cache.SetAsync("k", """{"makespan":5}""", TimeSpan.FromSeconds(60));

        clock.Advance(TimeSpan.FromSeconds(59));
        var hit = await cache.TryGetAsync("k");
        clock.Advance(TimeSpan.FromSeconds(2));
        var miss = await cache.TryGetAsync("k");

        Assert.Equal("""{"makespan":5}""", hit);
        Assert.Null(miss);
        Assert.Equal(new CacheStatistics(1, 1, 0), cache.Statistics);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Set_OverTheEntryLimit_EvictsTheLeastRecentlyUsed()
    {
        await using var cache = new MemoryResultCache(maxEntries: 3);
        await cache.SetAsync("a", "1", IResultCache.DefaultTtl);
        await cache.SetAsync("b", "2", IResultCache.DefaultTtl);
        await cache.SetAsync("c", "3", IResultCache.DefaultTtl);
        await cache.TryGetAsync("a");

        await cache.SetAsync("d", "4", IResultCache.DefaultTtl);

        Assert.Equal(3, cache.Count);
        Assert.Null(await cache.TryGetAsync("b"));
        Assert.Equal("1", await cache.TryGetAsync("a"));
        Assert.Equal("4", await cache.TryGetAsync("d"));
    }

    [Fact]
    public async Task Set_OverTheCharacterLimit_EvictsUntilItFitsAndSkipsTooLargeValues()
    {
        await using var cache = new MemoryResultCache(maxEntries: 100, maxCharacters: 10);
        await cache.SetAsync("a", "12345", IResultCache.DefaultTtl);
        await cache.SetAsync("b", "12345", IResultCache.DefaultTtl);
        await cache.SetAsync("c", "123", IResultCache.DefaultTtl);
        await cache.SetAsync("huge", "12345678901", IResultCache.DefaultTtl);

        Assert.Null(await cache.TryGetAsync("a"));
        Assert.Equal("12345", await cache.TryGetAsync("b"));
        Assert.Equal("123", await cache.TryGetAsync("c"));
        Assert.Null(await cache.TryGetAsync("huge"));
    }

    [Fact]
    public async Task Set_SameKeyAgain_ReplacesTheValue()
    {
        await using var cache = new MemoryResultCache();
        await cache.SetAsync("k", "old", IResultCache.DefaultTtl);
        await cache.SetAsync("k", "new", IResultCache.DefaultTtl);

        Assert.Equal("new", await cache.TryGetAsync("k"));
        Assert.Equal(1, cache.Count);
        Assert.True(await cache.PingAsync());
    }

    [Fact]
    public void Factory_NoRedis_GivesTheMemoryCache()
    {
        Assert.Equal("memory", StorageFactory.CreateResultCache(null).Kind);
        Assert.Equal("redis", StorageFactory.CreateResultCache("127.0.0.1:1").Kind);
    }
}
