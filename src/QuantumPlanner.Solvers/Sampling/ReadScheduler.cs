namespace QuantumPlanner.Solvers.Sampling;

/// <summary>
/// Spreads reads over worker threads. Each read depends only on its index (its random stream is derived from the seed
/// and the index), so which thread runs it never changes its result. Each thread reuses one workspace for all its reads.
/// </summary>
internal static class ReadScheduler
{
    /// <summary>
    /// Runs reads 0..reads-1. The first read on each worker always starts, so a call that is cancelled or out of time
    /// still returns something; later reads are skipped once the call must stop.
    /// </summary>
    public static void Run<TWorkspace>(
        int reads,
        int threads,
        SearchControl control,
        Func<TWorkspace> createWorkspace,
        Action<TWorkspace, int> runRead)
    {
        if (reads <= 0)
        {
            return;
        }

        var workers = Math.Min(threads, reads);
        if (workers == 1)
        {
            var workspace = createWorkspace();
            for (var r = 0; r < reads && (r == 0 || !control.ShouldStop(control.Deadline)); r++)
            {
                runRead(workspace, r);
            }

            return;
        }

        var next = -1;
        var pool = new Thread[workers];
        var errors = new Exception?[workers];
        for (var t = 0; t < workers; t++)
        {
            var slot = t;
            pool[t] = new Thread(() =>
            {
                try
                {
                    var workspace = createWorkspace();
                    int r;
                    while ((r = Interlocked.Increment(ref next)) < reads && (r < workers || !control.ShouldStop(control.Deadline)))
                    {
                        runRead(workspace, r);
                    }
                }
#pragma warning disable CA1031 // Rethrown on the calling thread below.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    errors[slot] = e;
                }
            })
            {
                IsBackground = true,
                Name = $"qplan-read-{t}",
            };
            pool[t].Start();
        }

        foreach (var thread in pool)
        {
            thread.Join();
        }

        foreach (var error in errors)
        {
            if (error is not null)
            {
                throw new AggregateException("A sampler read failed.", error);
            }
        }
    }
}
