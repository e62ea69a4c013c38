using System.Diagnostics;
using System.Runtime.ExceptionServices;
using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// Spreads work items (each <see cref="IAnnealer.Lanes"/> consecutive reads) over worker threads. Every read's outcome
/// depends only on the seed and its index, so the collected set does not depend on the thread count or timing.
/// </summary>
internal static class ReadScheduler
{
    public static ReadCollector Run(
        AnnealingRun run,
        BinaryQuadraticModel model,
        int threads,
        long maxReads,
        int sweepsPerRead,
        Func<IAnnealer> createAnnealer,
        Stopwatch clock,
        Action<double, TimeSpan>? onImprovement)
    {
        var collector = new ReadCollector(model, clock, onImprovement);
        var first = createAnnealer();
        var groups = maxReads == long.MaxValue ? long.MaxValue : (maxReads + first.Lanes - 1) / first.Lanes;
        if (first is ISplittableAnnealer && run.PaceTicks == 0 && threads > 1 && groups != long.MaxValue && groups >= threads && groups % threads != 0 && sweepsPerRead > 1)
        {
            RunBalanced(run, model, threads, maxReads, groups, sweepsPerRead, first, createAnnealer, collector);
            return collector;
        }

        long next = 0;
        ExceptionDispatchInfo? failure = null;

        void Work(IAnnealer? annealer)
        {
            try
            {
                annealer ??= createAnnealer();
                var spins = new sbyte[model.VariableCount];
                while (!run.StopRequested)
                {
                    var firstRead = (Interlocked.Increment(ref next) - 1) * annealer.Lanes;
                    if (firstRead >= maxReads)
                    {
                        return;
                    }

                    var done = annealer.Run(firstRead);
                    Collect(run, annealer, firstRead, maxReads, done == sweepsPerRead, spins, collector);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                run.SignalTarget();
            }
        }

        var workers = new Thread[threads - 1];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = new Thread(() => Work(null)) { IsBackground = true, Name = $"anneal-{w + 1}" };
            workers[w].Start();
        }

        Work(first);
        foreach (var worker in workers)
        {
            worker.Join();
        }

        failure?.Throw();
        return collector;
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

        ExceptionDispatchInfo? failure = null;
        long Boundary(int t) => (long)((Int128)work * t / threads);

        void Work(int t, IAnnealer? own)
        {
            var spins = new sbyte[model.VariableCount];
            try
            {
                own ??= createAnnealer();
                long begin = Boundary(t), end = Boundary(t + 1);
                if (shared[t] is { } head)
                {
                    // The head goes first so the next thread never waits for it.
                    try
                    {
                        // Its sweeps are counted with the tail's, once the group is whole.
                        head.Begin(end / sweeps * lanes);
                        head.Advance((int)(end % sweeps));
                    }
                    finally
                    {
                        handedOver[t]!.Set();
                    }
                }

                for (var g = (begin + sweeps - 1) / sweeps; (g + 1) * sweeps <= end && !run.StopRequested; g++)
                {
                    var done = own.Run(g * lanes);
                    Collect(run, own, g * lanes, maxReads, done == sweeps, spins, collector);
                }

                if (t > 0 && shared[t - 1] is { } tail)
                {
                    handedOver[t - 1]!.Wait();
                    var firstRead = begin / sweeps * lanes;
                    if (!run.StopRequested)
                    {
                        tail.Advance(sweeps - tail.StepsDone);
                    }

                    Collect(run, tail, firstRead, maxReads, tail.StepsDone == sweeps, spins, collector);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
                run.SignalTarget();
            }
            finally
            {
                // A thread that failed before its head must still release the next thread.
                handedOver[t]?.Set();
            }
        }

        var workers = new Thread[threads - 1];
        for (var w = 0; w < workers.Length; w++)
        {
            var t = w + 1;
            workers[w] = new Thread(() => Work(t, null)) { IsBackground = true, Name = $"anneal-{t}" };
            workers[w].Start();
        }

        Work(0, firstAnnealer);
        foreach (var worker in workers)
        {
            worker.Join();
        }

        foreach (var handover in handedOver)
        {
            handover?.Dispose();
        }

        failure?.Throw();
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

/// <summary>
/// Gathers reads with their exact energies (recomputed on the model in its own vartype), and reports improvements.
/// Reads cut short by a stop are kept only when no read finished, so a time limit shorter than one read still answers.
/// </summary>
internal sealed class ReadCollector(BinaryQuadraticModel model, Stopwatch clock, Action<double, TimeSpan>? onImprovement)
{
    private readonly Lock gate = new();
    private readonly List<(long Read, sbyte[] Sample, double Energy)> finished = [];
    private readonly List<(long Read, sbyte[] Sample, double Energy)> interrupted = [];
    private double best = double.PositiveInfinity;

    public TimeSpan TimeToBest { get; private set; }

    public int FinishedCount
    {
        get
        {
            lock (gate)
            {
                return finished.Count;
            }
        }
    }

    public void Add(long read, ReadOnlySpan<sbyte> spins, bool complete)
    {
        var sample = IsingModel.FromSpins(spins, model.Vartype);
        var energy = model.Energy(sample);
        lock (gate)
        {
            if (!complete)
            {
                interrupted.Add((read, sample, energy));
                return;
            }

            finished.Add((read, sample, energy));
            if (energy < best)
            {
                best = energy;
                TimeToBest = clock.Elapsed;
                onImprovement?.Invoke(energy, TimeToBest);
            }
        }
    }

    /// <summary>The reads to report, in read order; interrupted ones only when none finished and stopping was not a cancel.</summary>
    public List<(sbyte[] Sample, double Energy)> Reads(bool includeInterrupted)
    {
        lock (gate)
        {
            var source = finished.Count > 0 || !includeInterrupted ? finished : interrupted;
            if (ReferenceEquals(source, interrupted) && interrupted.Count > 0)
            {
                TimeToBest = clock.Elapsed;
            }

            source.Sort((a, b) => a.Read.CompareTo(b.Read));
            var reads = new List<(sbyte[] Sample, double Energy)>(source.Count);
            foreach (var r in source)
            {
                reads.Add((r.Sample, r.Energy));
            }

            return reads;
        }
    }
}
