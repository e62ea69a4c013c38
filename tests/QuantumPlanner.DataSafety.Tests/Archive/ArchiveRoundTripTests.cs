using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Archive;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Archive;

/// <summary>archive → purge → restore on both stores gives back the same jobs and progress history; only matching rows are touched.</summary>
public sealed class ArchiveRoundTripTests : AbstractStoreTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Archive_ThenRestore_GivesBackEqualCountsAndChecksums(string kind)
    {
        var store = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 600, Seed: 11));
        var before = JobsAndProgress(await TableChecksums.ComputeAsync(store, default));
        var oldFinished = await JobSeeder.ScalarAsync(store, OldFinishedSql(store, 90));
        var oldProgress = await JobSeeder.ScalarAsync(store, OldFinishedSql(store, 90).Replace("SELECT count(*) FROM optimization_jobs", "SELECT count(*) FROM job_progress JOIN optimization_jobs ON id = job_id", StringComparison.Ordinal));
        Assert.InRange(oldFinished, 100, 500);
        Assert.InRange(oldProgress, oldFinished, 6 * oldFinished);

        var run = await Archives.RunAsync(new ArchiveOptions { Store = store, Directory = Stores.NewDirectory(), OlderThan = TimeSpan.FromDays(90), BatchSize = 64 });

        Assert.Equal(oldFinished, run.Manifest!.Rows);
        Assert.Equal(oldProgress, run.Manifest.ProgressRows);
        Assert.Equal(oldFinished, run.Deleted);
        Assert.Equal(0, await JobSeeder.ScalarAsync(store, OldFinishedSql(store, 90)));
        var purged = JobsAndProgress(await TableChecksums.ComputeAsync(store, default));
        Assert.Equal(before[0].Rows - oldFinished, purged[0].Rows);
        // The history went with its jobs (cascade / trigger), and only theirs.
        Assert.Equal(before[1].Rows - oldProgress, purged[1].Rows);
        Assert.Equal(0, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM job_progress WHERE job_id NOT IN (SELECT id FROM optimization_jobs)"));
        Assert.Equal(run.Manifest.Rows, run.Manifest.StatusCounts.Values.Sum());
        Assert.All(run.Manifest.StatusCounts.Keys, s => Assert.Contains(s, new[] { "completed", "failed" }));
        Assert.NotNull(await StorageFactory.CreateJobStore(store.PostgresConnectionString, store.DataDirectory).GetSettingAsync(Archives.LastPurgeSetting));

        var verified = await Archives.VerifyAsync(run.Path!);
        Assert.Contains(verified.Checks, c => c.Contains($"{oldProgress} progress-history rows", StringComparison.Ordinal));
        var restored = await Archives.RestoreAsync(run.Path!, store);
        Assert.Equal(oldFinished, restored.Inserted);
        Assert.Equal(oldProgress, restored.ProgressInserted);
        Assert.Equal(before, JobsAndProgress(await TableChecksums.ComputeAsync(store, default)));

        var again = await Archives.RestoreAsync(run.Path!, store);
        Assert.Equal(0, again.Inserted);
        Assert.Equal(0, again.ProgressInserted);
        Assert.Equal(oldFinished, again.Skipped);
        Assert.Equal(before, JobsAndProgress(await TableChecksums.ComputeAsync(store, default)));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task AnArchiveOfFormat1_WithoutProgressHistory_StillVerifiesAndRestores(string kind)
    {
        // Written by qplan before archives carried job_progress (fcd4f50): 38 completed and failed jobs of a SQLite store.
        var directory = Stores.NewDirectory();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Fixtures"), "archive-*"))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }

        var path = Directory.GetFiles(directory, "*" + Archives.Extension).Single();
        var store = await Stores.NewAsync(kind);

        var verified = await Archives.VerifyAsync(path);
        Assert.Equal("qplan-archive/1", verified.Manifest.Format);
        Assert.Equal(38, verified.Manifest.Rows);
        Assert.Equal(0, verified.Manifest.ProgressRows);

        var restored = await Archives.RestoreAsync(path, store);
        Assert.Equal(38, restored.Inserted);
        Assert.Equal(0, restored.ProgressInserted);
        Assert.Equal(38, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs"));
        Assert.Equal(29, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs WHERE status = 'completed' AND result IS NOT NULL"));
        Assert.Equal(0, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM job_progress"));
        Assert.Equal(38, (await Archives.RestoreAsync(path, store)).Skipped);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task RowsLongerThanTheReadBuffer_AreArchivedVerifiedAndRestoredWhole(string kind)
    {
        // 1.5 MB of payload per job: each archived line is longer than the 1 MiB buffer the batch read-back starts with.
        var store = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 12, Seed: 14, RandomPayloadBytes: 1_100_000));
        var before = JobsAndProgress(await TableChecksums.ComputeAsync(store, default));

        var run = await Archives.RunAsync(new ArchiveOptions { Store = store, Directory = Stores.NewDirectory(), OlderThan = TimeSpan.Zero, Statuses = [JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled], BatchSize = 3 });

        Assert.InRange(run.Manifest!.Rows, 1, 12);
        Assert.Equal(run.Manifest.Rows, run.Deleted);
        await Archives.VerifyAsync(run.Path!);
        Assert.Equal(run.Manifest.Rows, (await Archives.RestoreAsync(run.Path!, store)).Inserted);
        Assert.Equal(before, JobsAndProgress(await TableChecksums.ComputeAsync(store, default)));
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

    /// <summary>The jobs' and the progress history's rows and checksums, in that order.</summary>
    private static TableStats[] JobsAndProgress(IReadOnlyList<TableStats> tables) => [Jobs(tables), tables.Single(t => t.Name == "job_progress")];

    private static string OldFinishedSql(StoreLocation store, int days) => OldSql(store, days, "'completed', 'failed'");

    private static string OldSql(StoreLocation store, int days, string statuses) => store.IsPostgres
        ? $"SELECT count(*) FROM optimization_jobs WHERE created_at < now() - interval '{days} days' AND status IN ({statuses})"
        : $"SELECT count(*) FROM optimization_jobs WHERE created_at < (unixepoch('now') - {days} * 86400) * 1000000 AND status IN ({statuses})";
}
