using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Backup;

/// <summary>
/// A backup taken while 8 workers keep enqueuing, claiming, reporting progress on and completing jobs restores to a
/// consistent state.
/// </summary>
public sealed class BackupUnderLoadTests : AbstractStoreTests
{
    private const int Workers = 8;
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Backup_WhileEightWorkersCompleteJobs_RestoresConsistently(string kind)
    {
        var source = await Stores.NewAsync(kind);
        await using var jobs = StorageFactory.CreateJobStore(source.PostgresConnectionString, source.DataDirectory);
        long completed = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var worker = "worker-" + w;
            while (!stop.IsCancellationRequested)
            {
                await jobs.EnqueueAsync(new NewJob("t" + (w % 3), "auto", $$"""{"worker":{{w}}}""", "hash", 30, w));
                var job = await jobs.ClaimAsync(worker, TimeSpan.FromMinutes(1), 3);
                if (job is not null
                    && await jobs.ReportProgressAsync(job.Claim, [new ProgressPoint(10, 50.0 + w), new ProgressPoint(20, 40.0 + w)])
                    && await jobs.CompleteAsync(job.Claim, "greedy", $$"""{"by":"{{worker}}"}"""))
                {
                    Interlocked.Increment(ref completed);
                }
            }
        })).ToList();

        while (Interlocked.Read(ref completed) < 50)
        {
            await Task.Delay(10);
        }

        var completedAtStart = Interlocked.Read(ref completed);
        var created = await Backups.CreateAsync(new BackupCreateOptions { Store = source, LocalDirectory = Stores.NewDirectory() });
        var completedAtEnd = Interlocked.Read(ref completed);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        Assert.True(completedAtEnd > completedAtStart, "the workers completed no job while the backup ran");

        var target = kind == "postgresql" ? Stores.NewPostgresTarget() : new StoreLocation(null, Stores.NewDirectory());
        await Backups.RestoreAsync(created.LocalPath, target, force: false);

        // The restored store is one moment of the source: every completed job has its result and time, no running job
        // lost its lease, and it holds fewer jobs than the source ended with.
        Assert.Equal(0, await JobSeeder.ScalarAsync(target, "SELECT count(*) FROM optimization_jobs WHERE status = 'completed' AND (result IS NULL OR completed_at IS NULL OR backend_used IS NULL)"));
        Assert.Equal(0, await JobSeeder.ScalarAsync(target, "SELECT count(*) FROM optimization_jobs WHERE status = 'running' AND (worker_id IS NULL OR lease_expires_at IS NULL)"));
        // Every completed job has the history its worker reported before completing it, and no history lost its job.
        Assert.Equal(0, await JobSeeder.ScalarAsync(target, "SELECT count(*) FROM optimization_jobs j WHERE status = 'completed' AND (SELECT count(*) FROM job_progress p WHERE p.job_id = j.id) <> 2"));
        Assert.Equal(0, await JobSeeder.ScalarAsync(target, "SELECT count(*) FROM job_progress WHERE job_id NOT IN (SELECT id FROM optimization_jobs)"));
        var restoredJobs = await JobSeeder.ScalarAsync(target, "SELECT count(*) FROM optimization_jobs");
        Assert.Equal(created.Manifest.Tables.Single(t => t.Name == "optimization_jobs").Rows, restoredJobs);
        Assert.InRange(restoredJobs, completedAtStart, await JobSeeder.ScalarAsync(source, "SELECT count(*) FROM optimization_jobs") - 1);
        Assert.Empty(TableChecksums.Differences(created.Manifest.Tables, await TableChecksums.ComputeAsync(target, default)));
    }
}
