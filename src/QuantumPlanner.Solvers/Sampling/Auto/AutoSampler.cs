using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling.Annealing;
using QuantumPlanner.Solvers.Sampling.Exact;
using QuantumPlanner.Solvers.Sampling.Tabu;

namespace QuantumPlanner.Solvers.Sampling.Auto;

/// <summary>
/// Picks a sampler for the model ("auto") and reports it in Info["chosen"] (the measurements behind the rules are in
/// docs/planning.md, "How auto splits its time"):
/// <list type="bullet">
/// <item>up to <see cref="ExactLimit"/> variables exact enumeration is cheaper than any heuristic budget and proves
/// optimality;</item>
/// <item>dense models (mean degree ≥ <see cref="SparseDegree"/>: all Beasley sets, random G-set) go to multistart tabu,
/// whose one-flip moves suit many couplings per variable;</item>
/// <item>sparse models under a time limit probe, anneal, then polish: tabu from random starts takes
/// <see cref="ProbeShare"/> of the limit, simulated annealing paced by the clock (one long anneal per thread, see
/// <see cref="SimulatedAnnealingSampler"/>) <see cref="AnnealShare"/>, and tabu starts from the best distinct states so
/// far (one per thread) for the rest. Tabu alone from random starts stalls on planar graphs, where long anneals find
/// the better basins; tabu is quicker where a basin is near a random start. A target energy stops either stage.</item>
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
    /// Share of the time limit tabu first gets from random starts: tabu and annealing are complementary on sparse
    /// models, and a short probe catches the models where tabu from a random start is quick.
    /// </summary>
    public const double ProbeShare = 0.1;

    /// <summary>
    /// Share of the time limit the paced anneal gets; tabu polishes the best states found so far in what is left, which
    /// rarely improves on annealed states of planar graphs, so the anneal gets most of the time.
    /// </summary>
    public const double AnnealShare = 0.8;

    /// <summary>
    /// Sparse models under a time limit, in three stages that each stop at the target energy: tabu from random starts
    /// for <see cref="ProbeShare"/> of the limit, simulated annealing paced over <see cref="AnnealShare"/> of it, then
    /// tabu from the best distinct states of both (one per thread) for the rest.
    /// </summary>
    private static SampleSet AnnealThenPolish(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var limit = options.TimeLimit!.Value;
        var stages = new List<(string Name, SampleSet Result, TimeSpan Start)>(3);
        bool Done() => cancellationToken.IsCancellationRequested || clock.Elapsed >= limit || Meets(options.TargetEnergy, stages);

        var probe = new TabuSampler().Sample(model, options with { TimeLimit = limit * ProbeShare, InitialStates = null, Reads = null }, cancellationToken);
        stages.Add(("tabu", probe, TimeSpan.Zero));
        if (!Done())
        {
            var start = clock.Elapsed;
            var annealed = new SimulatedAnnealingSampler().Sample(
                model,
                options with { TimeLimit = AtLeastATick((limit * (ProbeShare + AnnealShare)) - start), InitialStates = null, OnImprovement = Shift(options.OnImprovement, start) },
                cancellationToken);
            stages.Add(("sa", annealed, start));
        }

        if (!Done())
        {
            var start = clock.Elapsed;
            var starts = new List<sbyte[]>(options.Threads);
            foreach (var record in stages.SelectMany(st => st.Result.Records).OrderBy(r => r.Energy))
            {
                if (starts.Count == options.Threads)
                {
                    break;
                }

                starts.Add(record.Sample);
            }

            var polished = new TabuSampler().Sample(
                model,
                options with { TimeLimit = AtLeastATick(limit - start), InitialStates = starts, Reads = null, OnImprovement = Shift(options.OnImprovement, start) },
                cancellationToken);
            stages.Add(("tabu", polished, start));
        }

        var finished = stages.Where(st => st.Result.Records.Count > 0).ToList();
        var winner = finished.OrderBy(st => st.Result.Best.Energy).First();
        var reads = finished.SelectMany(st => st.Result.Records.SelectMany(rec => Enumerable.Repeat((rec.Sample, rec.Energy), rec.Occurrences)));
        var timing = new SampleTiming
        {
            Total = clock.Elapsed,
            TimeToBest = winner.Start + winner.Result.Timing.TimeToBest,
            FlipAttempts = finished.Sum(st => st.Result.Timing.FlipAttempts),
        };
        var info = new Dictionary<string, object>(winner.Result.Info)
        {
            ["solver"] = "auto",
            ["chosen"] = string.Join('+', stages.Select(st => st.Name)),
            ["winner"] = $"{winner.Name}@{stages.IndexOf(winner) + 1}",
            ["stageEnergies"] = stages.Select(st => st.Result.Records.Count > 0 ? st.Result.Best.Energy : double.NaN).ToArray(),
            ["threads"] = options.Threads,
        };
        return SampleSet.FromReads(model.Vartype, reads, timing, info);
    }

    /// <summary>
    /// A stage's share, never zero or negative: a stage that begins just after the share of the one before ran out
    /// (the clock moved between the check and the start) still gets a valid limit and stops at once.
    /// </summary>
    private static TimeSpan AtLeastATick(TimeSpan share) => share > TimeSpan.FromMilliseconds(1) ? share : TimeSpan.FromMilliseconds(1);

    private static bool Meets(double? target, List<(string Name, SampleSet Result, TimeSpan Start)> stages) =>
        target is { } t && stages.Any(st => st.Result.Records.Count > 0 && st.Result.Best.Energy <= t + (1e-9 * Math.Max(1.0, Math.Abs(t))));

    private static Action<double, TimeSpan>? Shift(Action<double, TimeSpan>? report, TimeSpan offset) =>
        report is null ? null : (energy, elapsed) => report(energy, elapsed + offset);

    private static SampleSet Tag(SampleSet result, string chosen)
    {
        var info = new Dictionary<string, object>(result.Info) { ["chosen"] = chosen };
        return new SampleSet(result.Vartype, result.Records, result.Timing, info);
    }
}
