using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// Parallel tempering ("pt"): replicas at a ladder of inverse temperatures between the same hot and cold ends as
/// "sa", each sweeping with Metropolis moves, neighbours exchanging states with the replica-exchange probability.
/// During the first quarter of the sweeps a feedback loop re-spaces the ladder (16 windows) from the measured swap
/// probabilities, widening gaps that swap more than average and narrowing the others, towards uniform swap rates. Each read is an independent run and returns the best state it saw.
/// </summary>
public sealed class ParallelTemperingSampler : ISampler
{
    public const int DefaultReads = 4;
    public const int DefaultSweeps = 1000;
    public const int DefaultReplicas = 32;

    private readonly AnnealingKernel kernel;

    public ParallelTemperingSampler()
        : this(DefaultReplicas)
    {
    }

    /// <summary>Replicas per run; the SIMD kernel (the default where it applies) needs a multiple of 8.</summary>
    internal ParallelTemperingSampler(int replicas, AnnealingKernel kernel = AnnealingKernel.Auto)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 2);
        Replicas = replicas;
        this.kernel = kernel;
    }

    public string Name => "pt";

    internal int Replicas { get; }

    public SampleSet Sample(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(model);
        cancellationToken.ThrowIfCancellationRequested();
        var control = new SearchControl(options.TimeLimit, options.TargetEnergy, options.OnImprovement, cancellationToken);
        var seed = options.Seed ?? Xoshiro256.RandomSeed();
        var ising = IsingModel.From(model);
        var (hot, cold) = BetaRange.Default(ising);
        var sweeps = options.Sweeps ?? DefaultSweeps;
        var ladder = BetaRange.Geometric(hot, cold, Replicas);
        var maxReads = options.Reads ?? (options.TimeLimit is null ? DefaultReads : long.MaxValue);
        var run = new AnnealingRun(ising, seed, ladder, options, model.Vartype, control);
        var report = new TemperingReport();
        var simd = kernel != AnnealingKernel.Table && SimdTemperingAnnealer.Supports(ising, Replicas);
        var collector = new ReadCollector(model, control);
        var loopStart = control.Elapsed;
        Func<IAnnealer> createAnnealer = simd ? () => new SimdTemperingAnnealer(run, sweeps, report) : () => new TemperingAnnealer(run, sweeps, report);
        AnnealingReads.Run(run, model, options.Threads, maxReads, sweeps, createAnnealer, collector);
        var loopEnd = control.Elapsed;

        // After a cancel the best interrupted read is still a valid sample; with nothing at all there is nothing to return.
        var reads = collector.Reads(includeInterrupted: true);
        if (reads.Count == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        var timing = new SampleTiming
        {
            Total = control.Elapsed,
            Sampling = loopEnd - loopStart,
            TimeToBest = collector.TimeToBest,
            FlipAttempts = run.FlipAttempts,
        };
        var info = new Dictionary<string, object>
        {
            ["solver"] = Name,
            ["seed"] = seed,
            ["reads"] = reads.Count,
            ["sweeps"] = sweeps,
            ["threads"] = options.Threads,
            ["replicas"] = Replicas,
            ["betaRange"] = new[] { hot, cold },
            ["kernel"] = simd ? "simd-avx2" : ising.IsIntegral ? "table" : "scalar",
            ["ladder"] = report.Ladder,
            ["swapRates"] = report.SwapRates,
            ["targetReached"] = control.TargetReached,
        };
        return SampleSet.FromReads(model.Vartype, reads, timing, info);
    }
}
