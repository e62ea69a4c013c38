namespace QuantumPlanner.Storage.Archive;

/// <summary>
/// The --max-rate of a purge: before each delete batch, how long to wait so that the rows deleted so far, divided by
/// the time since the first batch, stay at or below the cap. Measured from the start rather than per batch, so a
/// slow batch (a checkpoint, a busy core) is made up by not pausing, and the average holds.
/// </summary>
internal sealed class ArchivePace(double? maxRowsPerSecond, TimeProvider time)
{
    private long _start = -1;

    /// <summary>The wait before deleting the next batch, given <paramref name="done"/> rows sent to delete before it.</summary>
    public static TimeSpan Wait(long done, TimeSpan elapsed, double maxRowsPerSecond)
    {
        var due = TimeSpan.FromSeconds(done / maxRowsPerSecond);
        return due > elapsed ? due - elapsed : TimeSpan.Zero;
    }

    public async Task WaitAsync(long done, CancellationToken cancellationToken)
    {
        if (maxRowsPerSecond is not { } rate)
        {
            return;
        }

        if (_start < 0)
        {
            _start = time.GetTimestamp();
            return;
        }

        var wait = Wait(done, time.GetElapsedTime(_start), rate);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
