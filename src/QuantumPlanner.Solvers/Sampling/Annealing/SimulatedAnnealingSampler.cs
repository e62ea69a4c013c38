using System.Diagnostics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// Simulated annealing ("sa"): sequential single-spin Metropolis sweeps along a geometric β schedule whose range is
/// derived from the model's biases, one independent read per restart, reads spread over threads.
/// </summary>
public sealed class SimulatedAnnealingSampler : ISampler
{
    public const int DefaultReads = 10;
    public const int DefaultSweeps = 1000;
    public const int MaxSweeps = 10_000_000;

    /// <summary>Consecutive paced reads per thread under a time limit without a sweep count.</summary>
    internal const int PacedWindows = 1;

    private readonly AnnealingKernel kernel;

    public SimulatedAnnealingSampler()
        : this(AnnealingKernel.Auto)
    {
    }

    internal SimulatedAnnealingSampler(AnnealingKernel kernel) => this.kernel = kernel;

    public string Name => "sa";

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
        if (sweeps > MaxSweeps)
        {
            // The schedule and its acceptance tables are built up front, a few bytes per sweep.
            throw new ArgumentException(
                $"sa takes at most {MaxSweeps} sweeps per read, but {sweeps} were asked. Maybe use more reads or a time limit (reads repeat until it is spent).");
        }

        var betas = BetaRange.Geometric(hot, cold, sweeps);

        // With a time limit reads repeat until it is spent; an explicit read count still caps them.
        var maxReads = options.Reads ?? (options.TimeLimit is null ? DefaultReads : long.MaxValue);
        var used = AnnealingKernels.Resolve(kernel, ising, maxReads);

        // A time limit without a sweep count paces each read over a share of the limit: one long anneal beat many
        // short ones on G-set (G35 at 30 s, one thread: mean cut 7665 over 256 reads of 20,000 sweeps, 7679 over 8 reads
        // of 400,000), and pacing by the clock keeps the schedule whole however loaded the machine is.
        var pace = options.TimeLimit is not null && options.Sweeps is null
            ? Math.Max(1, (control.Deadline - Stopwatch.GetTimestamp()) / PacedWindows)
            : 0;
        var run = new AnnealingRun(ising, seed, betas, options, model.Vartype, control, pace);
        var collector = new ReadCollector(model, control);
        var loopStart = control.Elapsed;
        AnnealingReads.Run(run, model, options.Threads, maxReads, sweeps, () => AnnealingKernels.Create(used, run), collector);
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
            ["betaRange"] = new[] { hot, cold },
            ["kernel"] = AnnealingKernels.Name(used),
            ["targetReached"] = control.TargetReached,
        };
        if (pace > 0)
        {
            info["pacedReadS"] = (double)pace / Stopwatch.Frequency;
        }

        return SampleSet.FromReads(model.Vartype, reads, timing, info);
    }
}
