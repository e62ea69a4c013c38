using System.Diagnostics;
using System.Runtime.ExceptionServices;
using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers.Annealing;

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
        long next = 0;
        ExceptionDispatchInfo? failure = null;

        void Work()
        {
            try
            {
                var annealer = createAnnealer();
                var spins = new sbyte[model.VariableCount];
                while (!run.StopRequested)
                {
                    var first = (Interlocked.Increment(ref next) - 1) * annealer.Lanes;
                    if (first >= maxReads)
                    {
                        return;
                    }

                    var done = annealer.Run(first);

                    // Lanes past the last read are computed (vectors are full) but not counted as work done.
                    var used = (int)Math.Min(annealer.Lanes, maxReads - first);
                    run.AddFlipAttempts(annealer.SweepsDone * annealer.AttemptsPerSweep / annealer.Lanes * used);
                    for (var lane = 0; lane < annealer.Lanes && first + lane < maxReads; lane++)
                    {
                        annealer.CopySpins(lane, spins);
                        collector.Add(first + lane, spins, done == sweepsPerRead || annealer.MetTarget(lane));
                    }
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
            workers[w] = new Thread(Work) { IsBackground = true, Name = $"anneal-{w + 1}" };
            workers[w].Start();
        }

        Work();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        failure?.Throw();
        return collector;
    }
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
