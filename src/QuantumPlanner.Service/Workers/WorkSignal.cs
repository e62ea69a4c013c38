using System.Collections.Concurrent;

namespace QuantumPlanner.Service.Workers;

/// <summary>
/// Wakes an idle in-process worker when this process enqueues a job, so small jobs do not wait for the poll interval;
/// and lets DELETE stop a job running in this process at once (other processes see the cancel on their next heartbeat).
/// </summary>
public sealed class WorkSignal
{
    private readonly SemaphoreSlim available = new(0, int.MaxValue);
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();

    public void JobQueued()
    {
        // Bounded so a burst of submissions does not leave thousands of stale wake-ups behind.
        if (available.CurrentCount < 64)
        {
            available.Release();
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => available.WaitAsync(timeout, cancellationToken);

    internal void Started(Guid id, CancellationTokenSource source) => running[id] = source;

    internal void Finished(Guid id) => running.TryRemove(id, out _);

    /// <summary>Cancels the job if it runs in this process; false otherwise.</summary>
    public bool CancelLocal(Guid id)
    {
        if (running.TryGetValue(id, out var source))
        {
            try
            {
                source.Cancel();
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        return false;
    }

    public int RunningCount => running.Count;
}
