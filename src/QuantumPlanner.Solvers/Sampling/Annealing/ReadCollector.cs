using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// Gathers reads with their exact energies (recomputed on the model in its own vartype) and reports each finished one
/// to the <see cref="SearchControl"/> (best so far, OnImprovement, time to best). Reads cut short by a stop are kept
/// only when no read finished, so a time limit shorter than one read still answers.
/// </summary>
internal sealed class ReadCollector(BinaryQuadraticModel model, SearchControl control)
{
    private readonly Lock gate = new();
    private readonly List<(long Read, sbyte[] Sample, double Energy)> finished = [];
    private readonly List<(long Read, sbyte[] Sample, double Energy)> interrupted = [];
    private TimeSpan? interruptedAt;

    /// <summary>When the best finished read came in; with only interrupted reads to report, when they were taken.</summary>
    public TimeSpan TimeToBest => interruptedAt ?? control.TimeToBest;

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

            // Under the lock, so OnImprovement sees the improvements in order.
            control.Report(energy);
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
                interruptedAt = control.Elapsed;
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
