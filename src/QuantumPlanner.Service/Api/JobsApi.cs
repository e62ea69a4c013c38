using System.Diagnostics;
using System.Security.Claims;
using Microsoft.Extensions.Options;
using QuantumPlanner.Client;
using QuantumPlanner.Core.Charts;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Security;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Service.Workers;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Api;

/// <summary>/api/v1/jobs: durable jobs, scoped to the caller's tenant (another tenant's job answers 404).</summary>
internal static class JobsApi
{
    // How often a long poll re-reads a job that another process may finish (jobs of this process wake it at once).
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromMilliseconds(500);

    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/jobs").WithTags("Jobs");
        group.MapPost("/", SubmitAsync).WithName("SubmitJob").WithSummary("Queue a planning job; 202 with its id and links.");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetJob").WithSummary("Status, timestamps, backend used and progress of a job; ?waitSeconds=N answers as soon as it finishes (long poll).");
        group.MapGet("/{id:guid}/result", GetResultAsync).WithName("GetJobResult").WithSummary("The plan of a completed job.");
        group.MapGet("/", ListAsync).WithName("ListJobs").WithSummary("The tenant's jobs, newest first, keyset-paginated.");
        group.MapGet("/{id:guid}/progress", GetProgressAsync).WithName("GetJobProgress").WithSummary("The best objective over time of the job's latest attempt, as its worker reported it; kept after the job finishes.");
        group.MapGet("/{id:guid}/problem", GetProblemAsync).WithName("GetJobProblem").WithSummary("The problem the job was submitted with (to re-plan from its plan).");
        group.MapGet("/{id:guid}/gantt.svg", GetGanttAsync).WithName("GetJobGantt").WithSummary("The plan of a completed job drawn as a Gantt chart (the drawing of qplan solve --format gantt-svg); ?rows=resources draws a usage row and lanes per shared resource.");
        group.MapDelete("/{id:guid}", CancelAsync).WithName("CancelJob").WithSummary("Cancel a queued or running job.");
        return group;
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext context,
        ClaimsPrincipal user,
        PlanningEngine engine,
        JobIntake intake,
        MaintenanceState maintenance,
        IOptions<QuantumPlannerOptions> options,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var state = await maintenance.GetAsync(cancellationToken).ConfigureAwait(false);
        if (state.Enabled)
        {
            return ApiProblems.Unavailable(context, settings.RetryAfterSeconds, $"The service is in maintenance: {state.Message} Reads keep working; maybe retry after the time in Retry-After.");
        }

        var (request, error) = await ProblemRequestReader.ReadAsync(context.Request, settings, engine, synchronous: false, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return error!;
        }

        var intook = await intake.SubmitAsync(ApiClaims.TenantOf(user), request, cancellationToken).ConfigureAwait(false);
        if (intook.ConflictingField is { } differs)
        {
            return ApiProblems.Problem(
                StatusCodes.Status409Conflict,
                "Idempotency key reused with a different request.",
                intook.ConflictMessage,
                [new ApiError("idempotency_key_reused", "idempotencyKey", $"Key '{intook.Job.IdempotencyKey}' was first used with another {differs}.", "Use a new idempotency key.")]);
        }

        var view = JobView.From(intook.Job);
        return intook.Created ? Results.Accepted(view.Links.Self, view) : Results.Ok(view);
    }

    private static async Task<IResult> GetAsync(
        Guid id,
        double? waitSeconds,
        ClaimsPrincipal user,
        IJobStore store,
        WorkSignal signal,
        FinishedJobCache finished,
        IOptions<QuantumPlannerOptions> options,
        CancellationToken cancellationToken)
    {
        var tenant = ApiClaims.TenantOf(user);
        var maxWait = options.Value.MaxWaitSeconds;
        if (waitSeconds is { } w && (double.IsNaN(w) || w < 0 || w > maxWait))
        {
            return ApiProblems.BadRequest($"waitSeconds {w} is outside 0..{maxWait}. Maybe waitSeconds={Math.Min(10, maxWait)}.");
        }

        if (finished.TryGet(tenant, id, out var entry))
        {
            return JsonBytes(entry!.ViewJson);
        }

        if (waitSeconds is not > 0)
        {
            var job = await store.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
            return job is null ? ApiProblems.NotFound($"Job {id}") : JsonBytes(finished.Add(job));
        }

        return await WaitUntilFinishedAsync(id, tenant, TimeSpan.FromSeconds(waitSeconds.Value), store, signal, finished, cancellationToken).ConfigureAwait(false)
            ?? ApiProblems.NotFound($"Job {id}");
    }

    // The same bytes and content type as Results.Ok(view) writes, serialised once for finished jobs.
    private static IResult JsonBytes(byte[] json) => Results.Bytes(json, "application/json; charset=utf-8");

    /// <summary>
    /// Long poll: the job as soon as it is completed, failed or cancelled, or as it is when <paramref name="wait"/> runs
    /// out. Jobs of this process wake the request at once (WorkSignal); jobs run by other processes are re-read every
    /// <see cref="RecheckInterval"/>. The watch is registered before each read, so a change between the two is not missed.
    /// </summary>
    private static async Task<IResult?> WaitUntilFinishedAsync(
        Guid id, string tenant, TimeSpan wait, IJobStore store, WorkSignal signal, FinishedJobCache finished, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            using var watcher = signal.Watch(id);
            // A job this process finished is in the cache before its watchers wake (JobWorker adds it first).
            if (finished.TryGet(tenant, id, out var entry))
            {
                return JsonBytes(entry!.ViewJson);
            }

            var job = await store.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
            var left = TimeSpan.FromSeconds((deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
            if (job is null)
            {
                return null;
            }

            if (job.Status.IsFinished() || left <= TimeSpan.Zero)
            {
                return JsonBytes(finished.Add(job));
            }

            try
            {
                await watcher.Changed.WaitAsync(left < RecheckInterval ? left : RecheckInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Re-read: another process may have finished or cancelled it.
            }
        }
    }

    private static async Task<IResult> GetResultAsync(Guid id, ClaimsPrincipal user, IJobStore store, FinishedJobCache finished, CancellationToken cancellationToken)
    {
        var tenant = ApiClaims.TenantOf(user);
        if (finished.TryGet(tenant, id, out var entry) && (entry!.Status != JobStatus.Completed || entry.ResultJson is not null))
        {
            return ResultOf(id, entry.Status, entry.ResultJson, entry.Error);
        }

        var job = await store.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return ApiProblems.NotFound($"Job {id}");
        }

        if (job.Status.IsFinished())
        {
            finished.Add(job);
        }

        return ResultOf(id, job.Status, job.ResultJson, job.Error);
    }

    private static async Task<IResult> GetProgressAsync(Guid id, ClaimsPrincipal user, IJobStore store, CancellationToken cancellationToken) =>
        await store.GetProgressAsync(ApiClaims.TenantOf(user), id, cancellationToken).ConfigureAwait(false) is { } points
            ? Results.Ok(new ProgressHistory(id, [.. points.Select(p => new ProgressSample(p.ElapsedMilliseconds, p.Objective))]))
            : ApiProblems.NotFound($"Job {id}");

    private static async Task<IResult> GetProblemAsync(Guid id, ClaimsPrincipal user, IJobStore store, CancellationToken cancellationToken)
    {
        var job = await store.GetAsync(ApiClaims.TenantOf(user), id, cancellationToken).ConfigureAwait(false);
        return job is null ? ApiProblems.NotFound($"Job {id}") : Results.Text(job.ProblemJson, "application/json");
    }

    private static async Task<IResult> GetGanttAsync(Guid id, string? rows, ClaimsPrincipal user, IJobStore store, CancellationToken cancellationToken)
    {
        if (rows is not (null or "agents" or "resources"))
        {
            return ApiProblems.BadRequest($"rows '{rows}' is unknown. Maybe rows=agents or rows=resources.");
        }

        var job = await store.GetAsync(ApiClaims.TenantOf(user), id, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return ApiProblems.NotFound($"Job {id}");
        }

        if (job.Status != JobStatus.Completed || job.ResultJson is null)
        {
            return ResultOf(id, job.Status, null, job.Error);
        }

        // Stored problems passed validation when they were submitted, so they parse.
        var problem = PlanningJson.ParseProblem(job.ProblemJson, "problem").Problem!;
        return Results.Text(GanttSvg.Render(problem, PlanningJson.DeserializePlan(job.ResultJson), rows == "resources" ? GanttRows.Resources : GanttRows.Agents), "image/svg+xml");
    }

    private static IResult ResultOf(Guid id, JobStatus status, string? resultJson, string? error) => status switch
    {
        JobStatus.Completed when resultJson is not null => Results.Text(resultJson, "application/json"),
        JobStatus.Failed => ApiProblems.Problem(StatusCodes.Status409Conflict, "The job failed.", $"Job {id} failed: {error}. Maybe fix the problem and submit it again."),
        JobStatus.Cancelled => ApiProblems.Problem(StatusCodes.Status409Conflict, "The job was cancelled.", $"Job {id} was cancelled; it has no result."),
        _ => ApiProblems.Problem(StatusCodes.Status409Conflict, "The job has not finished.", $"Job {id} is {status.ToStorage()}. Maybe poll GET /api/v1/jobs/{id} until it is completed."),
    };

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, IJobStore store, string? status, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        JobStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!JobStatusNames.TryParse(status, out var parsed))
            {
                return ApiProblems.BadRequest($"status '{status}' is unknown. Maybe one of queued, running, completed, failed, cancelled.");
            }

            filter = parsed;
        }

        var pageSize = limit ?? 50;
        if (pageSize is < 1 or > 500)
        {
            return ApiProblems.BadRequest($"limit {pageSize} is outside 1..500. Maybe limit=50.");
        }

        try
        {
            var page = await store.ListAsync(ApiClaims.TenantOf(user), filter, pageSize, cursor, cancellationToken).ConfigureAwait(false);
            var items = new List<JobView>(page.Items.Count);
            foreach (var job in page.Items)
            {
                items.Add(JobView.From(job));
            }

            return Results.Ok(new JobListView(items, page.NextCursor));
        }
        catch (FormatException)
        {
            return ApiProblems.BadRequest($"cursor '{cursor}' is malformed. Maybe pass back the nextCursor of the previous page unchanged.");
        }
    }

    private static async Task<IResult> CancelAsync(Guid id, ClaimsPrincipal user, IJobStore store, WorkSignal signal, FinishedJobCache finished, CancellationToken cancellationToken)
    {
        // Finished jobs cannot be cancelled, so their entry cannot be stale; forget it anyway, so that a DELETE always
        // answers, and leaves behind, what the store holds.
        finished.Remove(id);
        var job = await store.CancelAsync(ApiClaims.TenantOf(user), id, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return ApiProblems.NotFound($"Job {id}");
        }

        if (job.Status != JobStatus.Cancelled)
        {
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "The job already finished.", $"Job {id} is {job.Status.ToStorage()}; only queued or running jobs can be cancelled.");
        }

        // Running here: stop the solver now; elsewhere its worker's next heartbeat sees the cancel.
        signal.CancelLocal(id);
        finished.Add(job);
        signal.JobChanged(id);
        return Results.Ok(JobView.From(job));
    }
}
