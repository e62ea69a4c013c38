namespace QuantumPlanner.Storage;

/// <summary>Life cycle of a job; stored lower-case (queued|running|completed|failed|cancelled).</summary>
public enum JobStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

public static class JobStatusNames
{
    public static string ToStorage(this JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Running => "running",
        JobStatus.Completed => "completed",
        JobStatus.Failed => "failed",
        JobStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job status."),
    };

    /// <summary>Parses the stored (or user-supplied, any case) name of a status.</summary>
    public static bool TryParse(string? text, out JobStatus status)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "queued": status = JobStatus.Queued; return true;
            case "running": status = JobStatus.Running; return true;
            case "completed": status = JobStatus.Completed; return true;
            case "failed": status = JobStatus.Failed; return true;
            case "cancelled": status = JobStatus.Cancelled; return true;
            default: status = default; return false;
        }
    }

    public static JobStatus Parse(string text) => TryParse(text, out var status)
        ? status
        : throw new FormatException($"Job status '{text}' is unknown. Maybe one of queued, running, completed, failed, cancelled.");

    public static bool IsFinished(this JobStatus status) =>
        status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;
}
