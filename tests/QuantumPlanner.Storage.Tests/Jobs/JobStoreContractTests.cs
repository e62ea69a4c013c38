using System.Collections.Concurrent;
using QuantumPlanner.Storage.Caching;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Jobs;

/// <summary>
/// The one contract every <see cref="IJobStore"/> passes; subclasses only say how to make an empty database.
/// Each test gets its own empty database (SQLite file or PostgreSQL schema) and a manual clock.
/// </summary>
public abstract class JobStoreContractTests : IAsyncLifetime
{
    private const string Problem = """{"tasks":[{"id":"a","duration":3},{"id":"b","duration":2}],"horizon":10}""";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly List<IAsyncDisposable> _opened = [];
    private string? _location;

    protected ManualTimeProvider Clock { get; } = new();

    /// <summary>Makes a new empty database and returns where it is (a directory or a connection string).</summary>
    protected abstract Task<string> NewDatabaseAsync();

    /// <summary>Opens a store on that database; called more than once to act as several processes.</summary>
    protected abstract IJobStore Open(string location, TimeProvider time);

    /// <summary>That database as the data-safety tools name a store.</summary>
    protected abstract Backup.StoreLocation LocationOf(string location);

    /// <summary>Rows left in job_progress, read with SQL: what a delete of jobs must leave behind is nothing.</summary>
    protected abstract Task<long> ProgressRowsAsync(string location);

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    [ServiceFact]
    public async Task Enqueue_NewJob_IsQueuedWithEveryField()
    {
        var store = await StoreAsync();

        var (job, created) = await store.EnqueueAsync(NewJob("acme", key: "k-1") with { TimeLimitSeconds = 7, Seed = 42 });

        Assert.True(created);
        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.Equal("acme", job.TenantId);
        Assert.Equal("auto", job.BackendRequested);
        Assert.Equal(CacheKey.Canonicalize(Problem), CacheKey.Canonicalize(job.ProblemJson));
        Assert.Equal(CacheKey.ProblemHash(Problem), job.ProblemHash);
        Assert.Equal("k-1", job.IdempotencyKey);
        Assert.Equal(7, job.TimeLimitSeconds);
        Assert.Equal(42, job.Seed);
        Assert.Equal(0, job.Attempts);
        Assert.Equal(Clock.GetUtcNow(), job.CreatedAt);
        Assert.Null(job.StartedAt);
        Assert.Null(job.ResultJson);
        Assert.Equal(job, await store.GetAsync("acme", job.Id));
    }

    [ServiceFact]
    public async Task Enqueue_SameTenantAndIdempotencyKey_ReturnsTheExistingJob()
    {
        var store = await StoreAsync();
        var first = await store.EnqueueAsync(NewJob("acme", key: "order-17"));

        var second = await store.EnqueueAsync(NewJob("acme", key: "order-17") with { Seed = 99 });

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Job.Id, second.Job.Id);
        Assert.Equal(first.Job.Seed, second.Job.Seed);
        Assert.Equal(1, await store.QueueSizeAsync());
    }

    [ServiceFact]
    public async Task Enqueue_TenantAtItsActiveJobQuota_RefusesNamingTheQuotaUntilOneFinishes()
    {
        var store = await StoreAsync();
        for (var i = 0; i < 3; i++)
        {
            await store.EnqueueAsync(NewJob("acme", key: $"k{i}") with { MaxActiveJobs = 3 });
        }

        var error = await Assert.ThrowsAsync<JobQuotaExceededException>(() => store.EnqueueAsync(NewJob("acme") with { MaxActiveJobs = 3 }));
        var replay = await store.EnqueueAsync(NewJob("acme", key: "k1") with { MaxActiveJobs = 3 });
        var other = await store.EnqueueAsync(NewJob("globex") with { MaxActiveJobs = 3 });
        var claimed = (await store.ClaimAsync("w1", Lease, 3))!;
        var stillFull = await Assert.ThrowsAsync<JobQuotaExceededException>(() => store.EnqueueAsync(NewJob("acme", key: "k9") with { MaxActiveJobs = 3 }));
        await store.CompleteAsync(claimed.Claim, "sa", "{}");
        var afterOne = await store.EnqueueAsync(NewJob("acme") with { MaxActiveJobs = 3 });

        Assert.Equal(3, error.Quota);
        Assert.Contains("'acme'", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxActiveJobsPerTenant", error.Message, StringComparison.Ordinal);
        Assert.False(replay.Created);
        Assert.True(other.Created);
        Assert.Equal(3, stillFull.Quota);
        Assert.True(afterOne.Created);
        Assert.Equal(4, (await store.CountByStatusAsync())[JobStatus.Queued]);
    }

    [ServiceFact]
    public async Task Enqueue_SameKeyFromAnotherTenantOrNoKey_CreatesSeparateJobs()
    {
        var store = await StoreAsync();

        var a = await store.EnqueueAsync(NewJob("acme", key: "same"));
        var b = await store.EnqueueAsync(NewJob("globex", key: "same"));
        var c = await store.EnqueueAsync(NewJob("acme"));
        var d = await store.EnqueueAsync(NewJob("acme"));

        Assert.All([a, b, c, d], r => Assert.True(r.Created));
        Assert.Equal(4, new HashSet<Guid>([a.Job.Id, b.Job.Id, c.Job.Id, d.Job.Id]).Count);
    }

    [ServiceFact]
    public async Task Enqueue_ConcurrentRequestsWithOneKey_CreateExactlyOneJob()
    {
        var location = await NewLocationAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => OpenTracked(location)).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => stores[i % stores.Length].EnqueueAsync(NewJob("acme", key: "retry-storm")))));

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Job.Id).Distinct());
    }

    [ServiceFact]
    public async Task Enqueue_CachedResult_IsStoredCompletedAndNeverClaimed()
    {
        var store = await StoreAsync();

        var (job, _) = await store.EnqueueAsync(NewJob("acme") with { CachedResultJson = """{"makespan":5}""", CachedBackendUsed = "cpsat" });

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal("cpsat", job.BackendUsed);
        Assert.Equal(CacheKey.Canonicalize("""{"makespan":5}"""), CacheKey.Canonicalize(job.ResultJson!));
        Assert.NotNull(job.CompletedAt);
        Assert.Null(await store.ClaimAsync("w1", Lease, 3));
    }

    [ServiceFact]
    public async Task Get_JobOfAnotherTenant_ReturnsNull()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));

        Assert.Null(await store.GetAsync("globex", job.Id));
        Assert.Null(await store.GetAsync("acme", Guid.NewGuid()));
        Assert.Equal(job.Id, (await store.GetByIdAsync(job.Id))!.Id);
    }

    [ServiceFact]
    public async Task List_ManyJobsWithEqualTimestamps_PagesNewestFirstWithoutGapsOrRepeats()
    {
        var store = await StoreAsync();
        var expected = new List<JobRecord>();
        for (var i = 0; i < 23; i++)
        {
            // Groups of equal created_at force the id tie-break of the keyset.
            if (i % 4 == 0)
            {
                Clock.Advance(TimeSpan.FromMilliseconds(1));
            }

            expected.Add((await store.EnqueueAsync(NewJob("acme"))).Job);
        }

        await store.EnqueueAsync(NewJob("globex"));

        var seen = new List<JobRecord>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await store.ListAsync("acme", null, 5, cursor);
            Assert.True(page.Items.Count <= 5);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        var newestFirst = expected
            .OrderByDescending(j => j.CreatedAt)
            .ThenByDescending(j => j.Id.ToString("D"), StringComparer.Ordinal)
            .Select(j => j.Id)
            .ToList();
        Assert.Equal(newestFirst, seen.Select(j => j.Id).ToList());
        Assert.Equal(5, pages);
    }

    [ServiceFact]
    public async Task List_StatusFilter_ReturnsOnlyJobsInThatStatus()
    {
        var store = await StoreAsync();
        for (var i = 0; i < 3; i++)
        {
            await store.EnqueueAsync(NewJob("acme"));
        }

        var claimed = await store.ClaimAsync("w1", Lease, 3);

        var running = await store.ListAsync("acme", JobStatus.Running, 10, null);
        var queued = await store.ListAsync("acme", JobStatus.Queued, 10, null);

        Assert.Equal(claimed!.Id, Assert.Single(running.Items).Id);
        Assert.Equal(2, queued.Items.Count);
        Assert.All(queued.Items, j => Assert.Equal(JobStatus.Queued, j.Status));
        Assert.Null(queued.NextCursor);
    }

    [ServiceFact]
    public async Task List_MalformedCursor_ThrowsFormatExceptionNamingIt()
    {
        var store = await StoreAsync();

        var error = await Assert.ThrowsAsync<FormatException>(() => store.ListAsync("acme", null, 10, "not-a-cursor!"));

        Assert.Contains("not-a-cursor!", error.Message, StringComparison.Ordinal);
    }

    [ServiceFact]
    public async Task Claim_QueuedJobs_OldestFirstThenNull()
    {
        var store = await StoreAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            ids.Add((await store.EnqueueAsync(NewJob(i % 2 == 0 ? "acme" : "globex"))).Job.Id);
        }

        var claimed = new List<JobRecord>();
        while (await store.ClaimAsync("w1", Lease, 3) is { } job)
        {
            claimed.Add(job);
        }

        Assert.Equal(ids, claimed.Select(j => j.Id).ToList());
        Assert.All(claimed, j =>
        {
            Assert.Equal(JobStatus.Running, j.Status);
            Assert.Equal("w1", j.WorkerId);
            Assert.Equal(1, j.Attempts);
            Assert.Equal(Clock.GetUtcNow() + Lease, j.LeaseExpiresAt);
            Assert.Equal(Clock.GetUtcNow(), j.StartedAt);
        });
    }

    [ServiceFact]
    public async Task ClaimMany_QueuedJobs_TakesAtMostKOldestFirstEachWithItsLease()
    {
        var store = await StoreAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            ids.Add((await store.EnqueueAsync(NewJob(i % 2 == 0 ? "acme" : "globex"))).Job.Id);
        }

        var first = await store.ClaimManyAsync("w1", Lease, 3, 3);
        var second = await store.ClaimManyAsync("w2", Lease, 3, 3);
        var third = await store.ClaimManyAsync("w3", Lease, 3, 3);

        Assert.Equal(ids.Take(3), first.Select(j => j.Id));
        Assert.Equal(ids.Skip(3), second.Select(j => j.Id));
        Assert.Empty(third);
        Assert.All(first.Concat(second), j =>
        {
            Assert.Equal(JobStatus.Running, j.Status);
            Assert.Equal(1, j.Attempts);
            Assert.Equal(Clock.GetUtcNow() + Lease, j.LeaseExpiresAt);
            Assert.Equal(Clock.GetUtcNow(), j.StartedAt);
        });
        Assert.All(first, j => Assert.Equal("w1", j.WorkerId));
        Assert.All(second, j => Assert.Equal("w2", j.WorkerId));
        Assert.Equal(5, (await store.CountByStatusAsync())[JobStatus.Running]);
    }

    [ServiceFact]
    public async Task ClaimMany_ExpiredLeaseAndQueuedJobs_ExpiredFirstAndExhaustedFailed()
    {
        var store = await StoreAsync();
        var (exhausted, _) = await store.EnqueueAsync(NewJob("acme"));
        Assert.Equal(exhausted.Id, (await store.ClaimAsync("w0", Lease, 3))!.Id);
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(2, (await store.ClaimAsync("w0", Lease, 3))!.Attempts);
        var (expired, _) = await store.EnqueueAsync(NewJob("acme"));
        var stale = (await store.ClaimAsync("w1", Lease, 3))!;
        Assert.Equal(expired.Id, stale.Id);
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var (queued, _) = await store.EnqueueAsync(NewJob("globex"));

        var claimed = await store.ClaimManyAsync("w2", Lease, 2, 10);

        Assert.Equal([expired.Id, queued.Id], claimed.Select(j => j.Id));
        Assert.Equal([2, 1], claimed.Select(j => j.Attempts));
        var failed = await store.GetByIdAsync(exhausted.Id);
        Assert.Equal(JobStatus.Failed, failed!.Status);
        Assert.Equal("lease expired 2 times", failed.Error);
        Assert.False(await store.CompleteAsync(stale.Claim, "sa", "{}"));
        Assert.True(await store.CompleteAsync(claimed[0].Claim, "sa", "{}"));
    }

    [ServiceFact]
    public async Task ClaimMany_CancelledOrCompletedJobs_AreNeverClaimed()
    {
        var store = await StoreAsync();
        var (cancelled, _) = await store.EnqueueAsync(NewJob("acme"));
        await store.CancelAsync("acme", cancelled.Id);
        var (done, _) = await store.EnqueueAsync(NewJob("acme"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;
        Assert.True(await store.CompleteAsync(claim, "sa", "{}"));
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));

        Assert.Empty(await store.ClaimManyAsync("w2", Lease, 3, 10));
        Assert.Equal(JobStatus.Cancelled, (await store.GetByIdAsync(cancelled.Id))!.Status);
        Assert.Equal(JobStatus.Completed, (await store.GetByIdAsync(done.Id))!.Status);
    }

    [ServiceFact]
    public async Task ClaimMany_CountOutOfRange_ThrowsNamingTheCount()
    {
        var store = await StoreAsync();

        foreach (var maxJobs in new[] { 0, 1001 })
        {
            var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ClaimManyAsync("w1", Lease, 3, maxJobs));

            Assert.Equal("maxJobs", error.ParamName);
            Assert.Equal(maxJobs, error.ActualValue);
        }
    }

    [ServiceFact]
    public async Task ClaimMany_ConcurrentBatchesOnSeveralConnections_NeverHandOutAJobTwice()
    {
        var location = await NewLocationAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => OpenTracked(location)).ToArray();
        const int Jobs = 90;
        for (var i = 0; i < Jobs; i++)
        {
            await stores[0].EnqueueAsync(NewJob("acme"));
        }

        var claims = new ConcurrentBag<(Guid Id, string Worker)>();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var worker = $"w{w}";
            var store = stores[w % stores.Length];
            while (await store.ClaimManyAsync(worker, Lease, 3, 1 + (w % 4)) is { Count: > 0 } batch)
            {
                foreach (var job in batch)
                {
                    claims.Add((job.Id, worker));
                    Assert.True(await store.CompleteAsync(job.Claim, "sa", "{}"));
                }
            }
        })));

        Assert.Equal(Jobs, claims.Count);
        Assert.Equal(Jobs, claims.Select(c => c.Id).Distinct().Count());
        Assert.Equal(Jobs, (await stores[0].CountByStatusAsync())[JobStatus.Completed]);
    }

    [ServiceFact]
    public async Task Claim_LeaseExpired_ReclaimsWithAttemptIncrementedAndOldWorkerLosesIt()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var first = (await store.ClaimAsync("w1", Lease, 3))!.Claim;

        Assert.Null(await store.ClaimAsync("w2", Lease, 3));
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var reclaimed = await store.ClaimAsync("w2", Lease, 3);

        Assert.Equal(job.Id, reclaimed!.Id);
        Assert.Equal("w2", reclaimed.WorkerId);
        Assert.Equal(2, reclaimed.Attempts);
        Assert.False(await store.HeartbeatAsync(first, Lease));
        Assert.False(await store.CompleteAsync(first, "sa", "{}"));
        Assert.True(await store.CompleteAsync(reclaimed.Claim, "sa", """{"by":"w2"}"""));
    }

    [ServiceFact]
    public async Task Claim_SameWorkerReclaimsItsOwnExpiredJob_TheOldClaimIsFenced()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var first = (await store.ClaimAsync("w1", Lease, 3))!.Claim;
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));

        var second = (await store.ClaimAsync("w1", Lease, 3))!.Claim;

        Assert.Equal(job.Id, second.JobId);
        Assert.Equal(first.WorkerId, second.WorkerId);
        Assert.NotEqual(first.Token, second.Token);
        Assert.False(await store.HeartbeatAsync(first, Lease));
        Assert.False(await store.ReportProgressAsync(first, 1));
        Assert.False(await store.CompleteAsync(first, "sa", """{"by":"first"}"""));
        Assert.False(await store.FailAsync(first, "stale"));
        Assert.False(await store.ReleaseAsync(first));
        Assert.True(await store.HeartbeatAsync(second, Lease));
        Assert.True(await store.CompleteAsync(second, "sa", """{"by":"second"}"""));
        var done = await store.GetByIdAsync(job.Id);
        Assert.Equal(JobStatus.Completed, done!.Status);
        Assert.Equal(CacheKey.Canonicalize("""{"by":"second"}"""), CacheKey.Canonicalize(done.ResultJson!));
    }

    [ServiceFact]
    public async Task Claim_ReleasedAndReclaimedBySameWorker_TheReleasedClaimStaysFenced()
    {
        var store = await StoreAsync();
        await store.EnqueueAsync(NewJob("acme"));
        var first = (await store.ClaimAsync("w1", Lease, 3))!;
        Assert.True(await store.ReleaseAsync(first.Claim));

        var second = (await store.ClaimAsync("w1", Lease, 3))!;

        // Release gives the attempt back, so the attempt number repeats; the token does not.
        Assert.Equal(first.Attempts, second.Attempts);
        Assert.False(await store.CompleteAsync(first.Claim, "sa", "{}"));
        Assert.True(await store.CompleteAsync(second.Claim, "sa", "{}"));
    }

    [ServiceFact]
    public async Task Claim_TwoProcessesShareAWorkerId_OnlyTheCurrentClaimCompletesAndExactlyOnce()
    {
        var location = await NewLocationAsync();
        var podA = OpenTracked(location);
        var podB = OpenTracked(location);
        var (job, _) = await podA.EnqueueAsync(NewJob("acme"));
        var claimA = (await podA.ClaimAsync("pod-0", Lease, 3))!.Claim;
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var claimB = (await podB.ClaimAsync("pod-0", Lease, 3))!.Claim;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            i % 2 == 0 ? podA.CompleteAsync(claimA, "sa", """{"by":"A"}""") : podB.CompleteAsync(claimB, "sa", """{"by":"B"}"""))));

        Assert.Equal(1, outcomes.Count(won => won));
        Assert.Contains(outcomes.Select((won, i) => (won, i)), o => o.won && o.i % 2 == 1);
        var done = await podA.GetByIdAsync(job.Id);
        Assert.Equal(CacheKey.Canonicalize("""{"by":"B"}"""), CacheKey.Canonicalize(done!.ResultJson!));
        Assert.Equal(2, done.Attempts);
    }

    [ServiceFact]
    public async Task Claim_OneTenantsBacklogThenAnotherTenantsJobs_TheOthersAllStartBeforeTheBacklogs200th()
    {
        var store = await StoreAsync();
        for (var i = 0; i < 2000; i++)
        {
            await store.EnqueueAsync(NewJob("tenant-a"));
        }

        // A is being served when B arrives: workers have already started some of A's jobs.
        var started = new List<JobRecord>();
        for (var i = 0; i < 30; i++)
        {
            started.AddRange(await store.ClaimManyAsync($"w{i % 8}", Lease, 3, 1 + (i % 8)));
        }

        var beforeB = started.Count;
        Clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            await store.EnqueueAsync(NewJob("tenant-b"));
        }

        for (var round = 0; started.Count(j => j.TenantId == "tenant-b") < 10 && round < 100; round++)
        {
            var batch = await store.ClaimManyAsync($"w{round % 8}", Lease, 3, 1 + (round % 8));
            started.AddRange(batch);
            foreach (var job in batch)
            {
                Assert.True(await store.CompleteAsync(job.Claim, "sa", "{}"));
            }
        }

        var lastB = started.FindLastIndex(j => j.TenantId == "tenant-b");
        var aBeforeLastB = started.Take(lastB).Count(j => j.TenantId == "tenant-a");
        Assert.Equal(10, started.Count(j => j.TenantId == "tenant-b"));
        Assert.True(aBeforeLastB < 200, $"{aBeforeLastB} of tenant-a's jobs started before tenant-b's last.");
        // Round robin: once B is queued, A and B alternate, so A gets at most one more job than B until B's last starts.
        var aAfterB = started.Skip(beforeB).Take(lastB - beforeB).Count(j => j.TenantId == "tenant-a");
        Assert.True(aAfterB <= 10, $"{aAfterB} of tenant-a's jobs started between tenant-b's arrival and its last start.");
    }

    [ServiceFact]
    public async Task CompleteReturning_OwnedRunningJob_ReturnsTheRowAsStoredAndOnlyOnce()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme", key: "k-9"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;
        Clock.Advance(TimeSpan.FromTicks(12_345_670)); // 1.234567 s, whole microseconds like the stores keep

        Assert.Null(await store.CompleteReturningAsync(claim with { WorkerId = "w2" }, "sa", "{}"));
        var completed = await store.CompleteReturningAsync(claim, "greedy", """{"plan":1}""");

        Assert.NotNull(completed);
        Assert.Equal(JobStatus.Completed, completed.Status);
        Assert.Equal("greedy", completed.BackendUsed);
        Assert.Equal(Clock.GetUtcNow(), completed.CompletedAt);
        Assert.Null(completed.LeaseExpiresAt);
        Assert.Equal(await store.GetByIdAsync(job.Id), completed);
        Assert.Null(await store.CompleteReturningAsync(claim, "greedy", """{"plan":2}"""));
        Assert.False(await store.CompleteAsync(claim, "greedy", """{"plan":3}"""));
    }

    [ServiceFact]
    public async Task Claim_LeaseExpiredMaxAttemptsTimes_FailsTheJobWithTheReason()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var claimed = await store.ClaimAsync($"w{attempt}", Lease, 3);
            Assert.Equal(attempt, claimed!.Attempts);
            Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        }

        Assert.Null(await store.ClaimAsync("w4", Lease, 3));
        var failed = await store.GetAsync("acme", job.Id);

        Assert.Equal(JobStatus.Failed, failed!.Status);
        Assert.Equal("lease expired 3 times", failed.Error);
        Assert.Equal(Clock.GetUtcNow(), failed.CompletedAt);
    }

    [ServiceFact]
    public async Task Claim_ConcurrentClaimersFindManyExhaustedJobs_FailEachOnceWithoutErrors()
    {
        var location = await NewLocationAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => OpenTracked(location)).ToArray();
        const int Jobs = 30;
        for (var i = 0; i < Jobs; i++)
        {
            await stores[0].EnqueueAsync(NewJob("acme"));
            await stores[0].ClaimAsync("w0", Lease, 1);
        }

        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var claimed = await Task.WhenAll(Enumerable.Range(0, 8).Select(w =>
            Task.Run(() => stores[w % stores.Length].ClaimAsync($"w{w + 1}", Lease, 1))));

        Assert.All(claimed, Assert.Null);
        var failed = await stores[0].ListAsync("acme", JobStatus.Failed, 100, null);
        Assert.Equal(Jobs, failed.Items.Count);
        Assert.All(failed.Items, j => Assert.Equal("lease expired 1 times", j.Error));
    }

    [ServiceFact]
    public async Task Heartbeat_BeforeExpiry_KeepsTheJobFromBeingReclaimed()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;

        for (var i = 0; i < 3; i++)
        {
            Clock.Advance(Lease - TimeSpan.FromSeconds(5));
            Assert.True(await store.HeartbeatAsync(claim, Lease));
        }

        Assert.Null(await store.ClaimAsync("w2", Lease, 3));
        Assert.Equal(Clock.GetUtcNow() + Lease, (await store.GetByIdAsync(job.Id))!.LeaseExpiresAt);
    }

    [ServiceFact]
    public async Task Complete_StaleAndCurrentOwnersRaceRepeatedly_ExactlyOneCallWins()
    {
        var location = await NewLocationAsync();
        var store = OpenTracked(location);
        var other = OpenTracked(location);
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var stale = (await store.ClaimAsync("w1", Lease, 3))!.Claim;
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var current = (await other.ClaimAsync("w2", Lease, 3))!.Claim;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            (i % 2 == 0 ? store : other).CompleteAsync(i % 3 == 0 ? stale : current, "sa", $$"""{"call":{{i}}}"""))));

        Assert.Equal(1, outcomes.Count(won => won));
        var completed = await store.GetByIdAsync(job.Id);
        Assert.Equal(JobStatus.Completed, completed!.Status);
        Assert.Equal("w2", completed.WorkerId);
        var winner = Array.IndexOf(outcomes, true);
        Assert.Equal(CacheKey.Canonicalize($$"""{"call":{{winner}}}"""), CacheKey.Canonicalize(completed.ResultJson!));
        Assert.False(await store.CompleteAsync(current, "sa", "{}"));
    }

    [ServiceFact]
    public async Task Claim_ConcurrentWorkersOnSeveralConnections_NeverHandOutAJobTwice()
    {
        var location = await NewLocationAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => OpenTracked(location)).ToArray();
        const int Jobs = 60;
        for (var i = 0; i < Jobs; i++)
        {
            await stores[0].EnqueueAsync(NewJob("acme"));
        }

        var claims = new ConcurrentBag<(Guid Id, string Worker)>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var worker = $"w{w}";
            var store = stores[w % stores.Length];
            while (await store.ClaimAsync(worker, Lease, 3) is { } job)
            {
                claims.Add((job.Id, worker));
                Assert.True(await store.CompleteAsync(job.Claim, "sa", "{}"));
            }
        })));

        Assert.Equal(Jobs, claims.Count);
        Assert.Equal(Jobs, claims.Select(c => c.Id).Distinct().Count());
        Assert.Equal(Jobs, (await stores[0].CountByStatusAsync())[JobStatus.Completed]);
    }

    [ServiceFact]
    public async Task Cancel_QueuedJob_IsCancelledAndNotClaimable()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));

        var cancelled = await store.CancelAsync("acme", job.Id);

        Assert.Equal(JobStatus.Cancelled, cancelled!.Status);
        Assert.Equal(Clock.GetUtcNow(), cancelled.CompletedAt);
        Assert.Null(await store.ClaimAsync("w1", Lease, 3));
    }

    [ServiceFact]
    public async Task Cancel_RunningJob_WorkerHeartbeatAndCompleteReturnFalse()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;

        var cancelled = await store.CancelAsync("acme", job.Id);

        Assert.Equal(JobStatus.Cancelled, cancelled!.Status);
        Assert.False(await store.HeartbeatAsync(claim, Lease));
        Assert.False(await store.ReportProgressAsync(claim, 3.5));
        Assert.False(await store.CompleteAsync(claim, "sa", "{}"));
        Assert.False(await store.FailAsync(claim, "boom"));
        Assert.Equal(JobStatus.Cancelled, (await store.GetByIdAsync(job.Id))!.Status);
    }

    [ServiceFact]
    public async Task Cancel_AnotherTenantsJob_ReturnsNullAndLeavesItQueued()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));

        Assert.Null(await store.CancelAsync("globex", job.Id));
        Assert.Equal(JobStatus.Queued, (await store.GetByIdAsync(job.Id))!.Status);
    }

    [ServiceFact]
    public async Task Cancel_CompletedJob_ReturnsItUnchanged()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;
        await store.CompleteAsync(claim, "cpsat", """{"makespan":5}""");

        var result = await store.CancelAsync("acme", job.Id);

        Assert.Equal(JobStatus.Completed, result!.Status);
        Assert.Equal("cpsat", result.BackendUsed);
    }

    [ServiceFact]
    public async Task Release_RunningJob_GoesBackToTheQueueWithoutCountingTheAttempt()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;

        Assert.True(await store.ReleaseAsync(claim));
        var released = await store.GetByIdAsync(job.Id);
        var again = await store.ClaimAsync("w2", Lease, 3);

        Assert.Equal(JobStatus.Queued, released!.Status);
        Assert.Null(released.WorkerId);
        Assert.Null(released.LeaseExpiresAt);
        Assert.Equal(0, released.Attempts);
        Assert.Equal(job.Id, again!.Id);
        Assert.Equal(1, again.Attempts);
        Assert.False(await store.ReleaseAsync(claim));
    }

    [ServiceFact]
    public async Task Fail_RunningJob_RecordsTheErrorOnce()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;

        Assert.True(await store.FailAsync(claim, "solver crashed: index 7 out of range"));
        Assert.False(await store.FailAsync(claim, "again"));
        var failed = await store.GetByIdAsync(job.Id);

        Assert.Equal(JobStatus.Failed, failed!.Status);
        Assert.Equal("solver crashed: index 7 out of range", failed.Error);
        Assert.Null(failed.LeaseExpiresAt);
    }

    [ServiceFact]
    public async Task ReportProgress_OwnedJob_StoresTheBestObjective()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;

        Assert.True(await store.ReportProgressAsync(claim, 17.25));
        Assert.False(await store.ReportProgressAsync(claim with { WorkerId = "w2" }, 1));

        Assert.Equal(17.25, (await store.GetAsync("acme", job.Id))!.ProgressObjective);
    }

    [ServiceFact]
    public async Task ProgressHistory_ReportedBatches_AreKeptInOrderAfterTheJobCompletes_ForItsTenantOnly()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;
        var (waiting, _) = await store.EnqueueAsync(NewJob("acme"));

        Assert.True(await store.ReportProgressAsync(claim, [new(10, 50), new(120, 40.5)]));
        Assert.True(await store.ReportProgressAsync(claim, [new(900, 35.25)]));
        Assert.True(await store.CompleteAsync(claim, "sa", "{}"));

        Assert.Equal([new(10, 50), new(120, 40.5), new(900, 35.25)], await store.GetProgressAsync("acme", job.Id));
        Assert.Equal(35.25, (await store.GetAsync("acme", job.Id))!.ProgressObjective);
        Assert.Empty((await store.GetProgressAsync("acme", waiting.Id))!);
        Assert.Null(await store.GetProgressAsync("globex", job.Id));
        Assert.Null(await store.GetProgressAsync("acme", Guid.NewGuid()));
    }

    [ServiceFact]
    public async Task ProgressHistory_ClaimNotOurs_AppendsNothing()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;

        Assert.False(await store.ReportProgressAsync(claim with { WorkerId = "w2" }, [new(10, 5)]));
        Assert.False(await store.ReportProgressAsync(claim with { Token = claim.Token + 1 }, [new(20, 4)]));

        Assert.Empty((await store.GetProgressAsync("acme", job.Id))!);
        Assert.Null((await store.GetAsync("acme", job.Id))!.ProgressObjective);
    }

    [ServiceFact]
    public async Task ProgressHistory_MoreThanTheBound_KeepsTheFirstPointsAndStillUpdatesTheBest()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;
        var half = ProgressPoint.MaxPerAttempt / 2 + 10;

        Assert.True(await store.ReportProgressAsync(claim, [.. Enumerable.Range(0, half).Select(i => new ProgressPoint(i, 1000 - i))]));
        Assert.True(await store.ReportProgressAsync(claim, [.. Enumerable.Range(half, half).Select(i => new ProgressPoint(i, 1000 - i))]));

        var kept = (await store.GetProgressAsync("acme", job.Id))!;
        Assert.Equal(ProgressPoint.MaxPerAttempt, kept.Count);
        Assert.Equal(new ProgressPoint(ProgressPoint.MaxPerAttempt - 1, 1000 - ProgressPoint.MaxPerAttempt + 1), kept[^1]);
        Assert.Equal(1000 - ((2 * half) - 1), (await store.GetAsync("acme", job.Id))!.ProgressObjective);
    }

    [ServiceFact]
    public async Task ProgressHistory_JobClaimedAgain_ShowsOnlyTheNewAttempt()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var first = (await store.ClaimAsync("w1", Lease, 3))!.Claim;
        Assert.True(await store.ReportProgressAsync(first, [new(10, 9), new(20, 8)]));
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));

        var second = (await store.ClaimAsync("w2", Lease, 3))!.Claim;
        Assert.Empty((await store.GetProgressAsync("acme", job.Id))!);
        Assert.True(await store.ReportProgressAsync(second, [new(15, 7)]));

        Assert.Equal([new(15, 7)], await store.GetProgressAsync("acme", job.Id));
    }

    [ServiceFact]
    public async Task ProgressHistory_TenantErased_IsDeletedWithItsJobs()
    {
        var store = await StoreAsync();
        var (job, _) = await store.EnqueueAsync(NewJob("acme"));
        var claim = (await store.ClaimAsync("w1", Lease, 3))!.Claim;
        Assert.True(await store.ReportProgressAsync(claim, [new(10, 9)]));
        Assert.True(await store.CompleteAsync(claim, "sa", "{}"));

        await Gdpr.TenantData.EraseAsync(LocationOf(_location!), "acme", null);

        Assert.Null(await store.GetProgressAsync("acme", job.Id));
        Assert.Equal(0, await ProgressRowsAsync(_location!));
    }

    [ServiceFact]
    public async Task CountByStatusAndQueueSize_MixedJobs_CountEachStatus()
    {
        var store = await StoreAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            ids.Add((await store.EnqueueAsync(NewJob(i % 2 == 0 ? "acme" : "globex"))).Job.Id);
        }

        var a = await store.ClaimAsync("w1", Lease, 3);
        var b = await store.ClaimAsync("w1", Lease, 3);
        await store.ClaimAsync("w1", Lease, 3);
        await store.CompleteAsync(a!.Claim, "sa", "{}");
        await store.FailAsync(b!.Claim, "boom");
        await store.CancelAsync("globex", ids[5]);

        var counts = await store.CountByStatusAsync();

        Assert.Equal(2, counts[JobStatus.Queued]);
        Assert.Equal(1, counts[JobStatus.Running]);
        Assert.Equal(1, counts[JobStatus.Completed]);
        Assert.Equal(1, counts[JobStatus.Failed]);
        Assert.Equal(1, counts[JobStatus.Cancelled]);
        Assert.Equal(2, await store.QueueSizeAsync());
    }

    [ServiceFact]
    public async Task OutcomeStats_Window_CountsOnlyJobsFinishedInside()
    {
        var store = await StoreAsync();
        for (var i = 0; i < 4; i++)
        {
            await store.EnqueueAsync(NewJob("acme"));
        }

        var old = await store.ClaimAsync("w1", Lease, 3);
        await store.FailAsync(old!.Claim, "long ago");
        Clock.Advance(TimeSpan.FromMinutes(10));
        var ok1 = await store.ClaimAsync("w1", Lease, 3);
        var ok2 = await store.ClaimAsync("w1", Lease, 3);
        var bad = await store.ClaimAsync("w1", Lease, 3);
        await store.CompleteAsync(ok1!.Claim, "sa", "{}");
        await store.CompleteAsync(ok2!.Claim, "sa", "{}");
        await store.FailAsync(bad!.Claim, "boom");

        var stats = await store.OutcomeStatsAsync(TimeSpan.FromMinutes(5));

        Assert.Equal(new JobOutcomeStats(2, 1, 0), stats);
        Assert.Equal(1.0 / 3.0, stats.ErrorRate, 12);
    }

    [ServiceFact]
    public async Task Settings_SetTwice_LastValueWinsAndIsSharedBetweenStores()
    {
        var location = await NewLocationAsync();
        var store = OpenTracked(location);
        var replica = OpenTracked(location);

        Assert.Null(await store.GetSettingAsync("maintenance"));
        await store.SetSettingAsync("maintenance", """{"enabled":true,"message":"upgrade"}""");
        await replica.SetSettingAsync("maintenance", """{"enabled":false,"message":""}""");

        var value = await store.GetSettingAsync("maintenance");
        Assert.Equal(CacheKey.Canonicalize("""{"enabled":false,"message":""}"""), CacheKey.Canonicalize(value!));
    }

    [ServiceFact]
    public async Task Migrate_TwiceAndFromTwoStoresAtOnce_IsIdempotentAndReportsApplied()
    {
        var location = await NewDatabaseAsync();
        var first = OpenTracked(location);
        var second = OpenTracked(location);

        Assert.False(await first.MigrationsAppliedAsync());
        await Task.WhenAll(Task.Run(() => first.MigrateAsync()), Task.Run(() => second.MigrateAsync()));
        await first.MigrateAsync();

        Assert.True(await first.MigrationsAppliedAsync());
        Assert.True(await second.PingAsync());
        Assert.True((await second.EnqueueAsync(NewJob("acme"))).Created);
    }

    protected static NewJob NewJob(string tenant, string? key = null) =>
        new(tenant, "auto", Problem, CacheKey.ProblemHash(Problem), 10, 1, key);

    private async Task<string> NewLocationAsync()
    {
        var location = await NewDatabaseAsync();
        var store = OpenTracked(location);
        await store.MigrateAsync();
        return location;
    }

    private async Task<IJobStore> StoreAsync()
    {
        _location = await NewLocationAsync();
        return OpenTracked(_location);
    }

    private IJobStore OpenTracked(string location)
    {
        var store = Open(location, Clock);
        _opened.Add(store);
        return store;
    }
}
