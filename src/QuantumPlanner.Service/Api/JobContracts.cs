using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Api;

public sealed record JobLinks(string Self, string Result, string Cancel);

public sealed record JobProgress(double? BestObjective);

/// <summary>A job as the API shows it: never the problem or the result (those have their own routes).</summary>
public sealed record JobView(
    Guid Id,
    string Status,
    string BackendRequested,
    string? BackendUsed,
    int TimeLimitSeconds,
    long Seed,
    string? IdempotencyKey,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    JobProgress Progress,
    string? Error,
    JobLinks Links)
{
    public static JobView From(JobRecord job)
    {
        var self = $"/api/v1/jobs/{job.Id}";
        return new JobView(
            job.Id,
            job.Status.ToStorage(),
            job.BackendRequested,
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
            new JobLinks(self, self + "/result", self));
    }
}

public sealed record JobListView(IReadOnlyList<JobView> Items, string? NextCursor);

public sealed record MaintenanceRequest(bool Enabled, string? Message);

public sealed record BackendView(string Name, string Kind, bool Available, string? Reason);
