using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Service.Workers;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Api;

/// <summary>
/// The one way a job enters the store, for <c>POST /api/v1/jobs</c> and the MCP tool <c>submit_job</c> alike: the
/// tenant's quota (<see cref="JobQuotaExceededException"/>), an answer already in the result cache (the job is created
/// completed), the idempotency key, the hand-over of the validated problem to this process's workers, and the
/// finished-job cache for replays. The request comes from <see cref="ProblemRequestReader"/>, so it is parsed,
/// validated and hashed once.
/// </summary>
internal sealed class JobIntake(
    IJobStore store,
    IResultCache cache,
    WorkSignal signal,
    SubmittedProblems submitted,
    FinishedJobCache finished,
    IOptions<QuantumPlannerOptions> options,
    ILoggerFactory loggers)
{
    private readonly ILogger logger = loggers.CreateLogger("QuantumPlanner.Service.Jobs");

    public async Task<JobIntakeResult> SubmitAsync(string tenant, ProblemRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.Value;
        var newJob = new NewJob(tenant, request.StoredBackend, request.ProblemJson, request.ProblemHash, request.TimeLimitSeconds, request.Seed, request.IdempotencyKey)
        {
            MaxActiveJobs = settings.MaxActiveJobsPerTenant > 0 ? settings.MaxActiveJobsPerTenant : null,
        };

        // A cached result completes the job at once, without a worker.
        var cached = await cache.TryGetAsync(request.ToSolveInput(tenant).CacheKey, cancellationToken).ConfigureAwait(false);
        if (cached is not null)
        {
            newJob = newJob with { CachedResultJson = cached, CachedBackendUsed = request.Backend };
        }

        var (job, created) = await store.EnqueueAsync(newJob, cancellationToken).ConfigureAwait(false);
        if (!created && ConflictingField(job, newJob) is { } differs)
        {
            return new JobIntakeResult(job, false, differs);
        }

        using (Log.JobScope(logger, job.Id, tenant))
        {
            if (created)
            {
                Log.JobSubmitted(logger, request.Backend, request.Problem.Problem.Tasks.Count);
                if (job.Status == JobStatus.Queued)
                {
                    // Before the signal, so a worker of this process woken by it finds the problem read already.
                    submitted.Add(job.Id, request.Problem);
                    signal.JobQueued();
                }
            }
        }

        // Answered from the result cache, or a replay of a finished job: later reads need no database.
        if (job.Status.IsFinished())
        {
            finished.Add(job);
        }

        return new JobIntakeResult(job, created, null);
    }

    /// <summary>
    /// What an idempotency key's first job was submitted with that this request changes, or null. Another problem (or
    /// backend, time limit, seed) under a known key is a client bug that answering with the old job would hide.
    /// </summary>
    private static string? ConflictingField(JobRecord existing, NewJob submitted) =>
        existing.ProblemHash != submitted.ProblemHash ? "problem"
        : !string.Equals(existing.BackendRequested, submitted.BackendRequested, StringComparison.Ordinal) ? "backend"
        : existing.TimeLimitSeconds != submitted.TimeLimitSeconds ? "timeLimitSeconds"
        : existing.Seed != submitted.Seed ? "seed"
        : null;
}

/// <summary>The job the intake holds for a request; <see cref="ConflictingField"/> names what a reused idempotency key's first request had otherwise.</summary>
internal sealed record JobIntakeResult(JobRecord Job, bool Created, string? ConflictingField)
{
    public string ConflictMessage =>
        $"Idempotency key '{Job.IdempotencyKey}' already names job {Job.Id}, submitted with another {ConflictingField}. Maybe use a new key for a new request, or resend the original request unchanged.";
}
