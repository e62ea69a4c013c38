using System.Security.Claims;
using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Api;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Security;
using QuantumPlanner.Service.Workers;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Mcp;

/// <summary>
/// MCP jobs in the service's durable store, run by its workers, scoped to the API key's tenant. Submissions go through
/// the same <see cref="JobIntake"/> as <c>POST /api/v1/jobs</c>: result cache, idempotency key and the tenant's quota.
/// </summary>
internal sealed class StoreJobs(IJobStore store, JobIntake intake, WorkSignal signal, MaintenanceState maintenance, FinishedJobCache finished, IOptions<QuantumPlannerOptions> options) : IPlannerJobs
{
    public async Task<JobView> SubmitAsync(ClaimsPrincipal? user, McpJobRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var read = request.Intake
            ?? throw new ArgumentException("The request did not come through the jobs intake (McpJobRequest.From).", nameof(request));
        var state = await maintenance.GetAsync(cancellationToken).ConfigureAwait(false);
        if (state.Enabled)
        {
            throw new McpToolException($"The service is in maintenance: {state.Message} Maybe retry in {options.Value.RetryAfterSeconds} s; get_job and cancel_job keep working.");
        }

        JobIntakeResult intook;
        try
        {
            intook = await intake.SubmitAsync(ApiClaims.TenantOf(user ?? new ClaimsPrincipal()), read, cancellationToken).ConfigureAwait(false);
        }
        catch (JobQuotaExceededException ex)
        {
            throw new McpToolException(ex.Message, ex);
        }

        if (intook.ConflictingField is not null)
        {
            throw new McpToolException(intook.ConflictMessage);
        }

        return JobView.From(intook.Job);
    }

    public async Task<(JobView Job, string? PlanJson)?> GetAsync(ClaimsPrincipal? user, Guid id, TimeSpan wait, CancellationToken cancellationToken)
    {
        var tenant = ApiClaims.TenantOf(user ?? new ClaimsPrincipal());
        // Registered before the read, so that a job finishing in between still wakes the wait.
        using var watcher = signal.Watch(id);
        var job = await store.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (job is not null && !job.Status.IsFinished() && wait > TimeSpan.Zero)
        {
            try
            {
                await watcher.Changed.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Still running here, or run by another replica: answer as it is now.
            }

            job = await store.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        }

        return job is null ? null : (JobView.From(job), job.Status == JobStatus.Completed ? job.ResultJson : null);
    }

    public async Task<JobView?> CancelAsync(ClaimsPrincipal? user, Guid id, CancellationToken cancellationToken)
    {
        finished.Remove(id);
        var job = await store.CancelAsync(ApiClaims.TenantOf(user ?? new ClaimsPrincipal()), id, cancellationToken).ConfigureAwait(false);
        if (job is { Status: JobStatus.Cancelled })
        {
            signal.CancelLocal(id);
            signal.JobChanged(id);
        }

        return job is null ? null : JobView.From(job);
    }
}
