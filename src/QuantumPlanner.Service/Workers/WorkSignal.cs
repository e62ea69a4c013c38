using System.Collections.Concurrent;

namespace QuantumPlanner.Service.Workers;

/// <summary>
/// In-process signals between the API and the workers: wakes the idle claim loop when this process enqueues a job,
/// so small jobs do not wait for the poll interval; lets DELETE stop a job running in this process at once (other
/// processes see the cancel on their next heartbeat); and wakes long-polling GETs when a job of this process ends.
/// </summary>
public sealed class WorkSignal
{
    // At most one pending wake-up: the claim loop asks the store for as many jobs as it has idle workers, so one
    // wake-up covers a whole burst of submissions and no stale wake-ups pile up behind it.
    private readonly SemaphoreSlim available = new(0, 1);
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();
    private readonly Dictionary<Guid, FinishWatch> watches = [];

    public void JobQueued()
    {
        if (available.CurrentCount == 0)
        {
            try
            {
                available.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another submission woke the loop first.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => available.WaitAsync(timeout, cancellationToken);

    internal void Started(Guid id, CancellationTokenSource source) => running[id] = source;

    /// <summary>The job stopped running here (finished, failed, cancelled or released): wakes whoever watches it.</summary>
    internal void Finished(Guid id)
    {
        running.TryRemove(id, out _);
        JobChanged(id);
    }

    /// <summary>The job's stored state changed in this process (e.g. cancelled by DELETE): wakes whoever watches it.</summary>
    public void JobChanged(Guid id)
    {
        FinishWatch? watch;
        lock (watches)
        {
            if (!watches.Remove(id, out watch))
            {
                return;
            }
        }

        watch.Completion.TrySetResult();
    }

    /// <summary>
    /// Starts watching a job: the returned task completes when this process finishes or changes the job. Register
    /// before reading the job's state, so a change between the read and the wait is not missed; dispose when done.
    /// </summary>
    public Watcher Watch(Guid id)
    {
        lock (watches)
        {
            if (!watches.TryGetValue(id, out var watch))
            {
                watch = new FinishWatch();
                watches[id] = watch;
            }

            watch.Count++;
            return new Watcher(this, id, watch);
        }
    }

    /// <summary>Jobs watched by long-polling requests right now.</summary>
    public int WatchedCount
    {
        get
        {
            lock (watches)
            {
                return watches.Count;
            }
        }
    }

    private void Unwatch(Guid id, FinishWatch watch)
    {
        lock (watches)
        {
            // The last watcher of a job that did not change removes the entry, so abandoned waits leave nothing behind.
            if (--watch.Count == 0 && watches.TryGetValue(id, out var current) && ReferenceEquals(current, watch))
            {
                watches.Remove(id);
            }
        }
    }

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

    /// <summary>One long-poll's registration; <see cref="Changed"/> completes when the job changes in this process.</summary>
    public sealed class Watcher : IDisposable
    {
        private readonly WorkSignal owner;
        private readonly Guid id;
        private readonly FinishWatch watch;
        private bool disposed;

        internal Watcher(WorkSignal owner, Guid id, FinishWatch watch)
        {
            this.owner = owner;
            this.id = id;
            this.watch = watch;
        }

        public Task Changed => watch.Completion.Task;

        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                owner.Unwatch(id, watch);
            }
        }
    }

    internal sealed class FinishWatch
    {
        public readonly TaskCompletionSource Completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Count;
    }
}
