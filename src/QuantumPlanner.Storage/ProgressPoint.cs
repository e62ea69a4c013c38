namespace QuantumPlanner.Storage;

/// <summary>One point of a job's progress history: the best objective so far, some milliseconds after the solve started.</summary>
public readonly record struct ProgressPoint(long ElapsedMilliseconds, double Objective)
{
    /// <summary>
    /// Points kept per job attempt (table <c>job_progress</c>); later ones are dropped, while the job's best objective
    /// still follows every report. Workers thin their points to about half of this over the time limit.
    /// </summary>
    public const int MaxPerAttempt = 500;
}
