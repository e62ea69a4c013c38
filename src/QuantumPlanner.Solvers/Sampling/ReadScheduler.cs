using System.Runtime.ExceptionServices;

namespace QuantumPlanner.Solvers.Sampling;

/// <summary>
/// The one way samplers spread work over threads. A work item is a read, a group of reads (the lanes of an annealing
/// vector) or a chunk of an enumeration; its outcome depends only on the seed and its index, so which thread runs it
/// never changes the result. The calling thread is one of the workers. A worker that fails stops the others through
/// the <see cref="SearchControl"/>, and its exception is rethrown on the calling thread.
/// </summary>
internal static class ReadScheduler
{
    /// <summary>
    /// Runs items 0..count−1 (count long.MaxValue: until the control says stop). Each worker makes one workspace and
    /// reuses it for all its items. A worker's first item always starts, so a call that is cancelled or out of time
    /// still returns something; later items are skipped once the call must stop.
    /// </summary>
    public static void Run<TWorkspace>(
        long count,
        int threads,
        SearchControl control,
        Func<int, TWorkspace> createWorkspace,
        Action<TWorkspace, long> runItem)
    {
        if (count <= 0)
        {
            return;
        }

        var next = -1L;
        RunWorkers((int)Math.Min(threads, count), control, worker =>
        {
            var workspace = createWorkspace(worker);
            long item;
            for (var first = true; (item = Interlocked.Increment(ref next)) < count && (first || !control.ShouldStop()); first = false)
            {
                runItem(workspace, item);
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="work"/>(0..workers−1) at once, worker 0 on the calling thread, and returns when all have
    /// ended. For schedules that hand out work themselves (the balanced split of annealing groups).
    /// </summary>
    public static void RunWorkers(int workers, SearchControl control, Action<int> work)
    {
        ExceptionDispatchInfo? failure = null;

        void Guarded(int worker)
        {
            try
            {
                work(worker);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                control.Abort();
            }
        }

        var pool = new Thread[Math.Max(0, workers - 1)];
        for (var w = 0; w < pool.Length; w++)
        {
            var worker = w + 1;
            pool[w] = new Thread(() => Guarded(worker)) { IsBackground = true, Name = $"qplan-sampler-{worker}" };
            pool[w].Start();
        }

        Guarded(0);
        foreach (var thread in pool)
        {
            thread.Join();
        }

        failure?.Throw();
    }
}
