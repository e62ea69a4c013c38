using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Annealing;
using QuantumPlanner.Solvers.Exact;
using QuantumPlanner.Solvers.Tabu;

namespace QuantumPlanner.Solvers.Auto;

/// <summary>
/// Picks a sampler for the model ("auto") and reports it in Info["chosen"]. Rules, from `qplan bench` runs on Beasley
/// BQP and G-set (README, benchmark section):
/// <list type="bullet">
/// <item>up to <see cref="ExactLimit"/> variables exact enumeration is cheaper than any heuristic budget and proves
/// optimality;</item>
/// <item>dense models (mean degree ≥ <see cref="SparseDegree"/>: all Beasley sets, random G-set) go to multistart tabu,
/// which reached every BQP value and 9 of G1–G10 within the time limit;</item>
/// <item>sparse models under a time limit anneal, then polish: simulated annealing paced by the clock (one long
/// anneal per thread, see <see cref="SimulatedAnnealingSampler"/>) takes <see cref="AnnealShare"/> of the limit, and tabu
/// starts from its best distinct states (one per thread) for the rest. On the 2000-node planar and toroidal G32–G42 at
/// 30 s and one thread this cut the mean gap from 0.27 % (G35–G42, tabu alone) to 0.12 % (G32–G42) on a loaded
/// machine; tabu alone from random starts stalls on planar graphs, where long anneals find the better basins. A target
/// energy stops either stage.</item>
/// </list>
/// Under a sweep budget (no time limit) the choice never depends on the thread count, so runs stay reproducible.
/// </summary>
public sealed class AutoSampler : ISampler
{
    public const int ExactLimit = 20;

    public const double SparseDegree = 24;

    public string Name => "auto";

    public SampleSet Sample(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (model.VariableCount <= ExactLimit)
        {
            return Tag(new ExactSampler().Sample(model, options, cancellationToken), "exact");
        }

        var meanDegree = 2.0 * model.InteractionCount / model.VariableCount;
        if (meanDegree >= SparseDegree || options.TimeLimit is null)
        {
            return Tag(new TabuSampler().Sample(model, options, cancellationToken), "tabu");
        }

        return AnnealThenPolish(model, options, cancellationToken);
    }

    /// <summary>
    /// Share of the time limit the paced anneal gets before tabu polishes its best states. Tabu rarely improved on the
    /// annealed states of planar graphs (G14–G21, G35–G42) but did on G14 and G32, so it keeps a tenth: on G14, G17, G18
    /// and G21 at 10 s a share of 0.95 gave a mean gap of 0.130 %, 0.75 gave 0.147 % (one run each, loaded machine).
    /// </summary>
    public const double AnnealShare = 0.9;

    /// <summary>
    /// Sparse models under a time limit: simulated annealing paced over most of the limit finds good basins, then tabu
    /// starts from its best distinct states (one per thread) for the rest of the limit.
    /// </summary>
    private static SampleSet AnnealThenPolish(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var limit = options.TimeLimit!.Value;
        var annealed = new SimulatedAnnealingSampler().Sample(
            model,
            options with { TimeLimit = limit * AnnealShare, InitialStates = null },
            cancellationToken);
        var annealTime = clock.Elapsed;
        var remaining = limit - annealTime;
        if (annealed.Records.Count == 0 || cancellationToken.IsCancellationRequested || remaining <= TimeSpan.Zero
            || (options.TargetEnergy is { } t && annealed.Best.Energy <= t + (1e-9 * Math.Max(1.0, Math.Abs(t)))))
        {
            return Tag(annealed, "sa");
        }

        var starts = new List<sbyte[]>(options.Threads);
        foreach (var record in annealed.Records.OrderBy(r => r.Energy))
        {
            if (starts.Count == options.Threads)
            {
                break;
            }

            starts.Add(record.Sample);
        }

        var onImprovement = options.OnImprovement is { } report ? (energy, elapsed) => report(energy, elapsed + annealTime) : (Action<double, TimeSpan>?)null;
        var polished = new TabuSampler().Sample(
            model,
            options with { TimeLimit = remaining, InitialStates = starts, Reads = null, OnImprovement = onImprovement },
            cancellationToken);
        var tabuWon = polished.Records.Count > 0 && polished.Best.Energy < annealed.Best.Energy;
        var reads = annealed.Records.Concat(polished.Records).SelectMany(rec => Enumerable.Repeat((rec.Sample, rec.Energy), rec.Occurrences));
        var timing = new SampleTiming
        {
            Total = clock.Elapsed,
            TimeToBest = tabuWon ? annealTime + polished.Timing.TimeToBest : annealed.Timing.TimeToBest,
            FlipAttempts = annealed.Timing.FlipAttempts + polished.Timing.FlipAttempts,
        };
        var info = new Dictionary<string, object>(tabuWon ? polished.Info : annealed.Info)
        {
            ["solver"] = "auto",
            ["chosen"] = "sa+tabu",
            ["winner"] = tabuWon ? "tabu" : "sa",
            ["annealEnergy"] = annealed.Best.Energy,
            ["annealS"] = annealTime.TotalSeconds,
            ["threads"] = options.Threads,
        };
        return SampleSet.FromReads(model.Vartype, reads, timing, info);
    }

    private static SampleSet Tag(SampleSet result, string chosen)
    {
        var info = new Dictionary<string, object>(result.Info) { ["chosen"] = chosen };
        return new SampleSet(result.Vartype, result.Records, result.Timing, info);
    }
}
