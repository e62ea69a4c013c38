// The wire contracts are the typed client's records (QuantumPlanner.Client), under the names the service code uses.
global using BackendView = QuantumPlanner.Client.BackendInfo;
global using JobLinks = QuantumPlanner.Client.JobLinks;
global using JobProgress = QuantumPlanner.Client.JobProgress;
global using JobView = QuantumPlanner.Client.Job;
using QuantumPlanner.Client;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Api;

/// <summary>
/// The job the API shows: the typed client's <see cref="Job"/>, so the wire contract has one definition. Built here
/// from a stored row; never the problem or the result (those have their own routes).
/// </summary>
public static class JobViews
{
    extension(Job)
    {
        public static Job From(JobRecord job)
        {
            ArgumentNullException.ThrowIfNull(job);
            var self = $"/api/v1/jobs/{job.Id}";
            var (backend, sampler) = RequestedBackend.Split(job.BackendRequested);
            return new Job(
                job.Id,
                job.Status.ToStorage(),
                backend,
                job.BackendUsed,
                job.TimeLimitSeconds,
                job.Seed,
                job.IdempotencyKey,
                job.Attempts,
                job.CreatedAt,
                job.StartedAt,
                job.CompletedAt,
                new JobProgress(job.ProgressObjective),
                job.Error,
                new JobLinks(self, self + "/result", self))
            {
                Sampler = sampler,
            };
        }
    }
}

public sealed record JobListView(IReadOnlyList<JobView> Items, string? NextCursor);

public sealed record MaintenanceRequest(bool Enabled, string? Message);

