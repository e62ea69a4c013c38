using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Archive;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Archive;

/// <summary>archive → purge → restore on both stores gives back the same table; only matching rows are touched.</summary>
public sealed class ArchiveRoundTripTests : AbstractStoreTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Archive_ThenRestore_GivesBackEqualCountsAndChecksums(string kind)
    {
        var store = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 600, Seed: 11));
        var before = Jobs(await TableChecksums.ComputeAsync(store, default));
        var oldFinished = await JobSeeder.ScalarAsync(store, OldFinishedSql(store, 90));
        Assert.InRange(oldFinished, 100, 500);

        var run = await Archives.RunAsync(new ArchiveOptions { Store = store, Directory = Stores.NewDirectory(), OlderThan = TimeSpan.FromDays(90), BatchSize = 64 });

        Assert.Equal(oldFinished, run.Manifest!.Rows);
        Assert.Equal(oldFinished, run.Deleted);
        Assert.Equal(0, await JobSeeder.ScalarAsync(store, OldFinishedSql(store, 90)));
        Assert.Equal(before.Rows - oldFinished, Jobs(await TableChecksums.ComputeAsync(store, default)).Rows);
        Assert.Equal(run.Manifest.Rows, run.Manifest.StatusCounts.Values.Sum());
        Assert.All(run.Manifest.StatusCounts.Keys, s => Assert.Contains(s, new[] { "completed", "failed" }));
        Assert.NotNull(await StorageFactory.CreateJobStore(store.PostgresConnectionString, store.DataDirectory).GetSettingAsync(Archives.LastPurgeSetting));

        await Archives.VerifyAsync(run.Path!);
        var restored = await Archives.RestoreAsync(run.Path!, store);
        Assert.Equal(oldFinished, restored.Inserted);
        Assert.Equal(before, Jobs(await TableChecksums.ComputeAsync(store, default)));

        var again = await Archives.RestoreAsync(run.Path!, store);
        Assert.Equal(0, again.Inserted);
        Assert.Equal(oldFinished, again.Skipped);
        Assert.Equal(before, Jobs(await TableChecksums.ComputeAsync(store, default)));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task RowsLongerThanTheReadBuffer_AreArchivedVerifiedAndRestoredWhole(string kind)
    {
        // 1.5 MB of payload per job: each archived line is longer than the 1 MiB buffer the batch read-back starts with.
        var store = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 12, Seed: 14, RandomPayloadBytes: 1_100_000));
        var before = Jobs(await TableChecksums.ComputeAsync(store, default));

        var run = await Archives.RunAsync(new ArchiveOptions { Store = store, Directory = Stores.NewDirectory(), OlderThan = TimeSpan.Zero, Statuses = [JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled], BatchSize = 3 });

        Assert.InRange(run.Manifest!.Rows, 1, 12);
        Assert.Equal(run.Manifest.Rows, run.Deleted);
        await Archives.VerifyAsync(run.Path!);
        Assert.Equal(run.Manifest.Rows, (await Archives.RestoreAsync(run.Path!, store)).Inserted);
        Assert.Equal(before, Jobs(await TableChecksums.ComputeAsync(store, default)));
    }

    [Fact]
    public async Task MaxRate_WaitsBeforeEachDeleteUntilTheRowsSoFarAreWithinTheCap()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 600, Seed: 15));
        var oldFinished = await JobSeeder.ScalarAsync(store, OldFinishedSql(store, 90));
        var time = new StoppedClock();

        var run = await Archives.RunAsync(new ArchiveOptions { Store = store, Directory = Stores.NewDirectory(), OlderThan = TimeSpan.FromDays(90), BatchSize = 64, MaxRowsPerSecond = 200, Time = time });

        // The stopped clock never advances, so before the delete of batch k (k >= 1) the run owes k * 64 / 200 s.
        var batches = (int)((oldFinished + 63) / 64);
        Assert.Equal(oldFinished, run.Deleted);
        Assert.Equal(Enumerable.Range(1, batches - 1).Select(k => TimeSpan.FromSeconds(k * 64 / 200.0)), time.Waits);
    }

    /// <summary>
    /// Real wall-clock dates, a monotonic clock that stands still, and timers that fire at once but record what they
    /// were asked to wait: the pacing is checked without the test waiting for it.
    /// </summary>
    private sealed class StoppedClock : TimeProvider
    {
        private readonly List<TimeSpan> _waits = [];

        public IReadOnlyList<TimeSpan> Waits
        {
            get
            {
                lock (_waits)
                {
                    return [.. _waits];
                }
            }
        }

        public override long GetTimestamp() => 0;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (_waits)
            {
                _waits.Add(dueTime);
            }

            return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    [Fact]
    public async Task DryRun_CountsButChangesNothing()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 200, Seed: 12));
        var before = await TableChecksums.ComputeAsync(store, default);
        var directory = Stores.NewDirectory();

        var run = await Archives.RunAsync(new ArchiveOptions { Store = store, Directory = directory, OlderThan = TimeSpan.FromDays(30), DryRun = true, Statuses = [JobStatus.Cancelled] });

        Assert.True(run.DryRun);
        Assert.Null(run.Manifest);
        Assert.Equal(await JobSeeder.ScalarAsync(store, OldSql(store, 30, "'cancelled'")), run.Matching.Single().Rows);
        Assert.Empty(Directory.GetFiles(directory));
        Assert.Empty(TableChecksums.Differences(before, await TableChecksums.ComputeAsync(store, default)));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task ArchiveFromOneStore_RestoresIntoTheOtherKind(string kind)
    {
        var store = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 120, Seed: 13));
        var run = await Archives.RunAsync(new ArchiveOptions { Store = store, Directory = Stores.NewDirectory(), OlderThan = TimeSpan.FromDays(1) });
        var other = await Stores.NewAsync(kind == "sqlite" ? "postgresql" : "sqlite");

        var restored = await Archives.RestoreAsync(run.Path!, other);

        Assert.Equal(run.Manifest!.Rows, restored.Inserted);
        Assert.Equal(run.Manifest.Rows, await JobSeeder.ScalarAsync(other, "SELECT count(*) FROM optimization_jobs"));
    }

    private static TableStats Jobs(IReadOnlyList<TableStats> tables) => tables.Single(t => t.Name == "optimization_jobs");

    private static string OldFinishedSql(StoreLocation store, int days) => OldSql(store, days, "'completed', 'failed'");

    private static string OldSql(StoreLocation store, int days, string statuses) => store.IsPostgres
        ? $"SELECT count(*) FROM optimization_jobs WHERE created_at < now() - interval '{days} days' AND status IN ({statuses})"
        : $"SELECT count(*) FROM optimization_jobs WHERE created_at < (unixepoch('now') - {days} * 86400) * 1000000 AND status IN ({statuses})";
}
