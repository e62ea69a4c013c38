using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// Annealing reads on the <see cref="ReadScheduler"/>: a work item is a group of <see cref="IAnnealer.Lanes"/>
/// consecutive reads, and a fixed number of groups that does not divide over the threads is split by sweeps instead.
/// </summary>
internal static class AnnealingReads
{
    public static void Run(
        AnnealingRun run,
        BinaryQuadraticModel model,
        int threads,
        long maxReads,
        int sweepsPerRead,
        Func<IAnnealer> createAnnealer,
        ReadCollector collector)
    {
        var first = createAnnealer();
        var lanes = first.Lanes;
        var groups = maxReads == long.MaxValue ? long.MaxValue : (maxReads + lanes - 1) / lanes;
        if (first is ISplittableAnnealer && run.PaceTicks == 0 && threads > 1 && groups != long.MaxValue && groups >= threads && groups % threads != 0 && sweepsPerRead > 1)
        {
            RunBalanced(run, model, threads, maxReads, groups, sweepsPerRead, first, createAnnealer, collector);
            return;
        }

        ReadScheduler.Run(
            groups,
            threads,
            run.Control,
            worker => (Annealer: worker == 0 ? first : createAnnealer(), Spins: new sbyte[model.VariableCount]),
            (work, group) =>
            {
                var firstRead = group * lanes;
                var done = work.Annealer.Run(firstRead);
                Collect(run, work.Annealer, firstRead, maxReads, done == sweepsPerRead, work.Spins, collector);
            });
    }

    /// <summary>
    /// Fixed reads over threads that do not divide the groups evenly: 13 groups of eight lanes on two threads would
    /// leave one thread a whole group behind (at best 13/7 = 1.86× one thread). Instead the run's group-sweeps are cut
    /// into equal contiguous shares, so a group may be split between two neighbouring threads. A thread first runs the
    /// head of the group it shares with the next thread, then its whole groups, then the tail of the group it shares
    /// with the previous one, which by then has long been handed over. Each piece continues the same state, so every
    /// read ends exactly as an unsplit run would leave it.
    /// </summary>
    private static void RunBalanced(
        AnnealingRun run,
        BinaryQuadraticModel model,
        int threads,
        long maxReads,
        long groups,
        int sweeps,
        IAnnealer firstAnnealer,
        Func<IAnnealer> createAnnealer,
        ReadCollector collector)
    {
        var lanes = firstAnnealer.Lanes;
        var work = groups * sweeps;
        var shared = new ISplittableAnnealer?[threads];
        var handedOver = new ManualResetEventSlim?[threads];
        for (var t = 0; t < threads - 1; t++)
        {
            if (Boundary(t + 1) % sweeps != 0)
            {
                shared[t] = (ISplittableAnnealer)createAnnealer();
                handedOver[t] = new ManualResetEventSlim(false);
            }
        }

        long Boundary(int t) => (long)((Int128)work * t / threads);

        try
        {
            ReadScheduler.RunWorkers(threads, run.Control, t =>
            {
                try
                {
                    var own = t == 0 ? firstAnnealer : createAnnealer();
                    var spins = new sbyte[model.VariableCount];
                    long begin = Boundary(t), end = Boundary(t + 1);
                    if (shared[t] is { } head)
                    {
                        // The head goes first so the next thread never waits for it; its sweeps are counted with the
                        // tail's, once the group is whole.
                        head.Begin(end / sweeps * lanes);
                        head.Advance((int)(end % sweeps));
                        handedOver[t]!.Set();
                    }

                    for (var g = (begin + sweeps - 1) / sweeps; (g + 1) * sweeps <= end && !run.Control.ShouldStop(); g++)
                    {
                        var done = own.Run(g * lanes);
                        Collect(run, own, g * lanes, maxReads, done == sweeps, spins, collector);
                    }

                    if (t > 0 && shared[t - 1] is { } tail)
                    {
                        handedOver[t - 1]!.Wait();
                        var firstRead = begin / sweeps * lanes;
                        if (!run.Control.ShouldStop())
                        {
                            tail.Advance(sweeps - tail.StepsDone);
                        }

                        Collect(run, tail, firstRead, maxReads, tail.StepsDone == sweeps, spins, collector);
                    }
                }
                finally
                {
                    // A thread that failed before its head must still release the next thread.
                    handedOver[t]?.Set();
                }
            });
        }
        finally
        {
            foreach (var handover in handedOver)
            {
                handover?.Dispose();
            }
        }
    }

    /// <summary>Counts a group's work and hands its lanes (those within maxReads) to the collector.</summary>
    private static void Collect(AnnealingRun run, IAnnealer annealer, long firstRead, long maxReads, bool complete, sbyte[] spins, ReadCollector collector)
    {
        // Lanes past the last read are computed (vectors are full) but not counted as work done.
        var used = UsedLanes(firstRead, annealer.Lanes, maxReads);
        run.AddFlipAttempts(annealer.SweepsDone * annealer.AttemptsPerSweep / annealer.Lanes * used);
        for (var lane = 0; lane < used; lane++)
        {
            annealer.CopySpins(lane, spins);
            collector.Add(firstRead + lane, spins, complete || annealer.MetTarget(lane));
        }
    }

    private static int UsedLanes(long firstRead, int lanes, long maxReads) => (int)Math.Min(lanes, maxReads - firstRead);
}
