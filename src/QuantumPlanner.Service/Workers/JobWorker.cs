using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service.Api;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Workers;

/// <summary>
/// In-process workers: each loop claims a job with a lease, keeps the lease alive by heartbeat while the pipeline runs,
/// and records the result exactly once. A heartbeat that finds the job no longer ours (cancelled, reclaimed) cancels
/// the solver. On shutdown the loops stop claiming; running jobs get ShutdownGraceSeconds to finish, then are released.
/// </summary>
internal sealed class JobWorker(
    IJobStore store,
    CachedSolver solver,
    SubmittedProblems submitted,
    WorkSignal signal,
    ServiceMetrics metrics,
    FinishedJobCache finished,
    IOptions<QuantumPlannerOptions> options,
    ILogger<JobWorker> logger) : BackgroundService
{
    private readonly QuantumPlannerOptions settings = options.Value;
    private readonly string workerId = options.Value.ResolveWorkerId();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var slots = Math.Max(0, settings.Workers);
        if (slots == 0)
        {
            return;
        }

        // One claim loop feeds up to Workers concurrent jobs. It claims as many jobs as there are idle workers in a
        // single round trip, so under a backlog the claims batch themselves (several workers free up while one claim
        // is on the wire) and a small job costs about one claim share plus its completion instead of a claim each.
        using var idle = new SemaphoreSlim(slots, slots);
        var active = new ConcurrentDictionary<Task, byte>();
        var lease = TimeSpan.FromSeconds(settings.LeaseSeconds);
        var batch = Math.Clamp(settings.ClaimBatchSize, 1, slots);
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await idle.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var free = 1;
            while (free < batch && idle.Wait(0))
            {
                free++;
            }

            IReadOnlyList<JobRecord> jobs;
            try
            {
                jobs = await store.ClaimManyAsync(workerId, lease, settings.MaxAttempts, free, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(250);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                idle.Release(free);
                break;
            }
            catch (Exception ex)
            {
                // The store is down: keep trying with a growing pause instead of spinning.
                idle.Release(free);
                Log.WorkerLoopError(logger, backoff.TotalSeconds, ex);
                await DelayQuietly(backoff, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5000));
                continue;
            }

            if (free > jobs.Count)
            {
                idle.Release(free - jobs.Count);
            }

            foreach (var job in jobs)
            {
                var run = RunSlotAsync(job, idle, stoppingToken);
                active.TryAdd(run, 0);
                _ = run.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _), active, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            if (jobs.Count < free)
            {
                // The queue is (momentarily) empty: wait for a submission in this process or the poll interval.
                try
                {
                    await signal.WaitAsync(TimeSpan.FromMilliseconds(settings.PollMilliseconds), stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        // Draining: running jobs finish within the grace period or are released (ProcessAsync watches stoppingToken).
        await Task.WhenAll(active.Keys).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Draining(logger, signal.RunningCount);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunSlotAsync(JobRecord job, SemaphoreSlim idle, CancellationToken stoppingToken)
    {
        try
        {
            // Off the claim loop, so the next claim goes out while this job runs.
            await Task.Yield();
            await ProcessAsync(job, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store failed while recording the outcome; the lease expires and the job is claimed again.
            Log.JobOutcomeNotRecorded(logger, settings.LeaseSeconds, ex);
        }
        finally
        {
            idle.Release();
        }
    }

    private async Task ProcessAsync(JobRecord job, CancellationToken stoppingToken)
    {
        using var scope = Log.JobScope(logger, job.Id, job.TenantId);
        Log.JobClaimed(logger, job.Attempts, job.BackendRequested);
        using var jobCancel = new CancellationTokenSource();
        signal.Started(job.Id, jobCancel);
        var ownership = new Ownership();
        using var heartbeatStop = new CancellationTokenSource();
        var progress = new ProgressBox(TimeSpan.FromSeconds(job.TimeLimitSeconds));
        var heartbeat = HeartbeatAsync(job.Claim, jobCancel, ownership, progress, heartbeatStop.Token);

        // Shutdown: let the job finish within the grace period, then cancel it and give the lease back.
        await using var onStop = stoppingToken.Register(() =>
        {
            ownership.ShuttingDown = true;
            try
            {
                jobCancel.CancelAfter(TimeSpan.FromSeconds(settings.ShutdownGraceSeconds));
            }
            catch (ObjectDisposedException)
            {
                // The job already ended.
            }
        }).ConfigureAwait(false);

        try
        {
            await RunJobAsync(job, jobCancel.Token, ownership, progress).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ApiProblems.IsStoreOutage(ex) && !(ex is OperationCanceledException && jobCancel.IsCancellationRequested))
        {
            // Whatever the job itself threw ends it with that error (type and message, no stack) instead of leaving the
            // lease to expire and the job to be retried into "lease expired N times". Store outages are not the job's
            // fault: those leave the lease to expire so the job is claimed again once the database is back.
            await FailAsync(job, $"{ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
        }
        finally
        {
            signal.Finished(job.Id);
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }
    }

    private async Task RunJobAsync(JobRecord job, CancellationToken jobToken, Ownership ownership, ProgressBox progress)
    {
        IReadOnlyList<ValidationIssue> invalid = [];
        var problem = submitted.Take(job.Id) ?? ReadStored(job, out invalid);
        if (problem is null)
        {
            await FailAsync(job, "The stored problem is invalid: " + string.Join(" ", invalid)).ConfigureAwait(false);
            return;
        }

        var clock = Stopwatch.StartNew();
        SolveOutcome outcome;
        // The watchdog: heartbeats keep the lease alive for as long as the solve runs, so a solver that ignores its
        // limit would hold the job and the worker forever. At limit + grace it is cancelled; a solve that has not
        // returned after another grace fails the job and leaves the thread behind (.NET cannot abort it).
        var limit = TimeSpan.FromSeconds(job.TimeLimitSeconds);
        var grace = TimeSpan.FromSeconds(Math.Max(1, settings.WatchdogGraceSeconds));
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(jobToken);
        watchdog.CancelAfter(limit + grace);
        Task<SolveOutcome>? solve = null;
        try
        {
            var input = SolveInput.ForJob(job, problem);
            solve = Task.Run(() => solver.SolveAsync(input, progress.Set, watchdog.Token), CancellationToken.None);
            outcome = await solve.WaitAsync(limit + grace + grace, CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (jobToken.IsCancellationRequested)
        {
            // Stopped by us (cancel, lost lease, shutdown): the plan so far is not the job's answer.
            await StoppedAsync(job, ownership).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (watchdog.IsCancellationRequested)
        {
            await FailAsync(job, $"The solver ran past its time limit of {limit.TotalSeconds} s by more than WatchdogGraceSeconds = {grace.TotalSeconds} s and was cancelled by the watchdog. Maybe report backend '{job.BackendRequested}'.").ConfigureAwait(false);
            return;
        }
        catch (TimeoutException) when (solve is { IsCompleted: false })
        {
            if (jobToken.IsCancellationRequested)
            {
                await StoppedAsync(job, ownership).ConfigureAwait(false);
                return;
            }

            _ = solve.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            await FailAsync(job, $"The solver did not stop: cancelled by the watchdog {grace.TotalSeconds} s after its time limit of {limit.TotalSeconds} s, it still had not returned {grace.TotalSeconds} s later; the job is failed and its worker slot freed. Maybe report backend '{job.BackendRequested}'.").ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            await FailAsync(job, $"{ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return;
        }

        // The points since the last heartbeat, while the job is still ours: a page opened later draws the whole curve.
        await FlushProgressAsync(job.Claim, progress).ConfigureAwait(false);
        if (outcome.Plan is not { } plan)
        {
            Log.JobCacheHit(logger);
            await CompleteAsync(job, BackendOf(outcome.ResultJson) ?? job.BackendRequested, outcome.ResultJson).ConfigureAwait(false);
            return;
        }

        await CompleteAsync(job, plan.Backend, outcome.ResultJson).ConfigureAwait(false);
        Log.JobCompleted(logger, plan.Status, plan.Backend, clock.ElapsedMilliseconds, plan.Score.Objective);
    }

    /// <summary>
    /// A job this process did not take in (another replica, a restart): its stored JSON, parsed and validated again,
    /// since the replica that accepted it may run another version.
    /// </summary>
    private static ValidatedProblem? ReadStored(JobRecord job, out IReadOnlyList<ValidationIssue> issues)
    {
        var parsed = PlanningJson.ParseProblem(job.ProblemJson, "problem");
        if (parsed.Problem is null || parsed.Issues.Count > 0)
        {
            issues = parsed.Issues;
            return null;
        }

        (var valid, issues) = ValidatedProblem.TryCreate(parsed.Problem);
        return valid;
    }

    private async Task CompleteAsync(JobRecord job, string backend, string resultJson)
    {
        var completed = await store.CompleteReturningAsync(job.Claim, backend, resultJson, CancellationToken.None).ConfigureAwait(false);
        if (completed is not null)
        {
            // Before the job's watchers wake (ProcessAsync signals Finished afterwards), so long polls answer from memory.
            finished.Add(completed);
            metrics.JobsTotal.WithLabels("completed", backend).Inc();
        }
        else
        {
            Log.JobAlreadyCompleted(logger);
        }
    }

    private async Task FailAsync(JobRecord job, string reason)
    {
        Log.JobFailed(logger, reason);
        if (await store.FailAsync(job.Claim, reason, CancellationToken.None).ConfigureAwait(false))
        {
            metrics.JobsTotal.WithLabels("failed", job.BackendRequested).Inc();
        }
    }

    private async Task StoppedAsync(JobRecord job, Ownership ownership)
    {
        if (ownership.ShuttingDown && !ownership.Lost)
        {
            await store.ReleaseAsync(job.Claim, CancellationToken.None).ConfigureAwait(false);
            Log.JobReleased(logger);
            return;
        }

        Log.JobCancelled(logger);
        metrics.JobsTotal.WithLabels("cancelled", job.BackendRequested).Inc();
    }

    /// <summary>Renews the lease and reports progress; a renewal the store refuses means the job is no longer ours.</summary>
    private async Task HeartbeatAsync(JobClaim claim, CancellationTokenSource jobCancel, Ownership ownership, ProgressBox progress, CancellationToken stop)
    {
        var lease = TimeSpan.FromSeconds(settings.LeaseSeconds);
        var interval = TimeSpan.FromSeconds(Math.Max(0.2, settings.HeartbeatSeconds));
        using var timer = new PeriodicTimer(interval);
        IReadOnlyList<ProgressPoint> points = [];
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                bool ours;
                try
                {
                    points = progress.Take();
                    ours = points.Count > 0
                        ? await store.ReportProgressAsync(claim, points, stop).ConfigureAwait(false)
                            && await store.HeartbeatAsync(claim, lease, stop).ConfigureAwait(false)
                        : await store.HeartbeatAsync(claim, lease, stop).ConfigureAwait(false);
                    points = [];
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    progress.Return(points);
                    Log.HeartbeatFailed(logger, ex);
                    continue;
                }

                if (!ours)
                {
                    ownership.Lost = true;
                    await jobCancel.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The job ended.
        }
    }

    private async Task FlushProgressAsync(JobClaim claim, ProgressBox progress)
    {
        var points = progress.Take();
        if (points.Count == 0)
        {
            return;
        }

        try
        {
            await store.ReportProgressAsync(claim, points, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The history is for looking at; the plan is what the job owes, so its completion goes ahead.
            Log.HeartbeatFailed(logger, ex);
        }
    }

    private static string? BackendOf(string planJson)
    {
        try
        {
            using var document = JsonDocument.Parse(planJson);
            return document.RootElement.TryGetProperty("backend", out var backend) ? backend.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private sealed class Ownership
    {
        public volatile bool Lost;
        public volatile bool ShuttingDown;
    }

    /// <summary>
    /// The solver's best objective and the points of its history not yet stored. Improvements closer together than a
    /// gap (the time limit spread over half of <see cref="ProgressPoint.MaxPerAttempt"/>, at least 50 ms) replace the
    /// newest unstored point, so a solver reporting thousands of improvements still stores a bounded curve.
    /// </summary>
    private sealed class ProgressBox(TimeSpan timeLimit)
    {
        private readonly Lock gate = new();
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly long gapMilliseconds = Math.Max(50, (long)timeLimit.TotalMilliseconds / (ProgressPoint.MaxPerAttempt / 2));
        private List<ProgressPoint> pending = [];
        private long pendingSince = long.MinValue;
        private double value = double.NaN;

        public void Set(double objective)
        {
            lock (gate)
            {
                if (objective.Equals(value))
                {
                    return;
                }

                value = objective;
                var now = clock.ElapsedMilliseconds;
                if (pending.Count > 0 && now - pendingSince < gapMilliseconds)
                {
                    pending[^1] = new ProgressPoint(now, objective);
                    return;
                }

                pending.Add(new ProgressPoint(now, objective));
                pendingSince = now;
            }
        }

        /// <summary>The unstored points, oldest first; they are the caller's to store (or to <see cref="Return"/>).</summary>
        public IReadOnlyList<ProgressPoint> Take()
        {
            lock (gate)
            {
                if (pending.Count == 0)
                {
                    return [];
                }

                var taken = pending;
                pending = [];
                return taken;
            }
        }

        /// <summary>Points a failed store call did not keep, put back before any taken since.</summary>
        public void Return(IReadOnlyList<ProgressPoint> points)
        {
            if (points.Count == 0)
            {
                return;
            }

            lock (gate)
            {
                var merged = new List<ProgressPoint>(points.Count + pending.Count);
                merged.AddRange(points);
                merged.AddRange(pending);
                pending = merged;
            }
        }
    }
}
