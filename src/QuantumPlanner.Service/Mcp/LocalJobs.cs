using System.Collections.Concurrent;
using System.Security.Claims;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service.Solving;

namespace QuantumPlanner.Service.Mcp;

/// <summary>
/// Jobs of a stdio MCP server (<c>qplan mcp</c>): solved on the thread pool of that process and kept in memory for
/// its lifetime, so an agent can submit long solves and poll them without a running service.
/// </summary>
public sealed class LocalJobs(PlanningEngine engine) : IPlannerJobs, IDisposable
{
    private readonly ConcurrentDictionary<Guid, LocalJob> jobs = new();

    public Task<JobView> SubmitAsync(ClaimsPrincipal? user, McpJobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The intake validated the problem once; the solve takes it as it is.
        var problem = request.Intake?.Problem
            ?? (PlanningJson.ParseProblem(request.ProblemJson, "problem") is { Problem: { } read, Issues.Count: 0 } ? ValidatedProblem.TryCreate(read).Problem : null)
            ?? throw new McpToolException("The problem does not parse or is invalid. Maybe run validate_problem first.");
        var job = new LocalJob(Guid.NewGuid(), request, DateTimeOffset.UtcNow);
        jobs[job.Id] = job;
        job.Run = Task.Run(() =>
        {
            job.StartedAt = DateTimeOffset.UtcNow;
            try
            {
                var plan = engine.Solve(problem, request.Backend, new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(request.TimeLimitSeconds), Seed = (ulong)request.Seed }, job.Cancel.Token);
                job.Finish(job.Cancel.IsCancellationRequested ? "cancelled" : "completed", plan.Backend, PlanningJson.Serialize(plan), null);
            }
            catch (OperationCanceledException)
            {
                job.Finish("cancelled", null, null, null);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or InvalidProblemException)
            {
                job.Finish("failed", null, null, ex.Message);
            }
        }, CancellationToken.None);
        return Task.FromResult(job.View());
    }

    public async Task<(JobView Job, string? PlanJson)?> GetAsync(ClaimsPrincipal? user, Guid id, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!jobs.TryGetValue(id, out var job))
        {
            return null;
        }

        if (wait > TimeSpan.Zero && job.Run is { } run)
        {
            await Task.WhenAny(run, Task.Delay(wait, cancellationToken)).ConfigureAwait(false);
        }

        return (job.View(), job.PlanJson);
    }

    public Task<JobView?> CancelAsync(ClaimsPrincipal? user, Guid id, CancellationToken cancellationToken)
    {
        if (!jobs.TryGetValue(id, out var job))
        {
            return Task.FromResult<JobView?>(null);
        }

        if (job.Status is "queued" or "running")
        {
            job.Finish("cancelled", null, null, null);
            job.Cancel.Cancel();
        }

        return Task.FromResult<JobView?>(job.View());
    }

    public void Dispose()
    {
        foreach (var job in jobs.Values)
        {
            job.Cancel.Cancel();
            job.Cancel.Dispose();
        }
    }

    private sealed class LocalJob(Guid id, McpJobRequest request, DateTimeOffset createdAt)
    {
        private readonly Lock gate = new();

        public Guid Id => id;

        public CancellationTokenSource Cancel { get; } = new();

        public Task? Run { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public string Status { get; private set; } = "running";

        public string? PlanJson { get; private set; }

        private string? BackendUsed { get; set; }

        private string? Error { get; set; }

        private DateTimeOffset? CompletedAt { get; set; }

        /// <summary>The first finish wins: a cancel that arrives while the solver returns keeps the job cancelled.</summary>
        public void Finish(string status, string? backendUsed, string? planJson, string? error)
        {
            lock (gate)
            {
                if (Status != "running")
                {
                    return;
                }

                (Status, BackendUsed, PlanJson, Error, CompletedAt) = (status, backendUsed, planJson, error, DateTimeOffset.UtcNow);
            }
        }

        public JobView View()
        {
            lock (gate)
            {
                var self = $"local:{id}";
                return new JobView(id, Status, request.Backend, BackendUsed, request.TimeLimitSeconds, request.Seed, null, 1, createdAt, StartedAt, CompletedAt, new JobProgress(null), Error, new JobLinks(self, self, self));
            }
        }
    }
}
