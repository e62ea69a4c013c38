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
/// <item>sparse models under a time limit with two or more threads run tabu and simulated annealing side by side, half
/// the threads each, and keep the better: on the planar G14–G18 tabu stalled at 0.27 % mean gap while sa reached 0.07 %,
/// and on the toroidal G11–G13 tabu hits the best-known value in well under a second. The first to reach a target
/// energy stops the other.</item>
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
        if (meanDegree >= SparseDegree || options.TimeLimit is null || options.Threads < 2)
        {
            return Tag(new TabuSampler().Sample(model, options, cancellationToken), "tabu");
        }

        return Portfolio(model, options, cancellationToken);
    }

    private static SampleSet Portfolio(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken)
    {
        using var stopBoth = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var target = options.TargetEnergy;
        var tabuThreads = options.Threads / 2;
        SamplerOptions Share(int threads) => options with
        {
            Threads = threads,
            OnImprovement = (energy, elapsed) =>
            {
                options.OnImprovement?.Invoke(energy, elapsed);
                if (target is { } t && energy <= t + (1e-9 * Math.Max(1.0, Math.Abs(t))))
                {
                    stopBoth.Cancel();
                }
            },
        };

        var tabu = Task.Run(() => Run(new TabuSampler(), model, Share(tabuThreads), stopBoth.Token), CancellationToken.None);
        var annealing = Task.Run(() => Run(new SimulatedAnnealingSampler(), model, Share(options.Threads - tabuThreads), stopBoth.Token), CancellationToken.None);
        var results = new[] { tabu.GetAwaiter().GetResult(), annealing.GetAwaiter().GetResult() };
        cancellationToken.ThrowIfCancellationRequested();

        var finished = results.Where(r => r is not null && r.Records.Count > 0).Select(r => r!).ToList();
        if (finished.Count == 0)
        {
            throw new OperationCanceledException("Both portfolio samplers stopped before finding a sample.");
        }

        var winner = finished.OrderBy(r => r.Best.Energy).First();
        var reads = finished.SelectMany(r => r.Records.SelectMany(rec => Enumerable.Repeat((rec.Sample, rec.Energy), rec.Occurrences)));
        var timing = new SampleTiming
        {
            Total = finished.Max(r => r.Timing.Total),
            TimeToBest = winner.Timing.TimeToBest,
            FlipAttempts = finished.Sum(r => r.Timing.FlipAttempts),
        };
        var info = new Dictionary<string, object>(winner.Info)
        {
            ["solver"] = "auto",
            ["chosen"] = "tabu+sa",
            ["winner"] = winner.Info.TryGetValue("solver", out var s) ? s : "unknown",
            ["threads"] = options.Threads,
        };
        return SampleSet.FromReads(model.Vartype, reads, timing, info);
    }

    private static SampleSet? Run(ISampler sampler, BinaryQuadraticModel model, SamplerOptions options, CancellationToken token)
    {
        try
        {
            return sampler.Sample(model, options, token);
        }
        catch (OperationCanceledException)
        {
            // Stopped by the other sampler reaching the target (or by the caller) before finding anything.
            return null;
        }
    }

    private static SampleSet Tag(SampleSet result, string chosen)
    {
        var info = new Dictionary<string, object>(result.Info) { ["chosen"] = chosen };
        return new SampleSet(result.Vartype, result.Records, result.Timing, info);
    }
}
