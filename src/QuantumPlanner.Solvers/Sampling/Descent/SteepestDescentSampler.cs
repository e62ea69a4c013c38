using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Sampling.Descent;

/// <summary>
/// Steepest descent from <see cref="SamplerOptions.Reads"/> starts ("steepest"; default <see cref="DefaultReads"/>):
/// random states from the seed, or the given initial states. Each read runs to a local minimum, so sweeps do not apply.
/// A time limit or a reached target energy stops further reads; cancellation returns the reads finished so far and
/// throws <see cref="OperationCanceledException"/> only when none has finished.
/// </summary>
public sealed class SteepestDescentSampler : ISampler
{
    public const int DefaultReads = 10;

    public string Name => "steepest";

    public SampleSet Sample(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(model);
        cancellationToken.ThrowIfCancellationRequested();
        var csr = model.ToCsr();
        var n = model.VariableCount;
        var seed = options.Seed ?? Xoshiro256.RandomSeed();
        var reads = options.Reads ?? DefaultReads;
        var control = new SearchControl(options.TimeLimit, options.TargetEnergy, options.OnImprovement, cancellationToken);
        var results = new sbyte[reads][];
        long moves = 0;
        ReadScheduler.Run(
            reads,
            options.Threads,
            control,
            _ => 0,
            (_, item) =>
            {
                var r = (int)item;
                var sample = new sbyte[n];
                if (options.InitialStates is { Count: > 0 } initial)
                {
                    initial[r % initial.Count].CopyTo(sample, 0);
                }
                else
                {
                    var rng = Xoshiro256.ForStream(seed, r);
                    for (var i = 0; i < n; i++)
                    {
                        var bit = (sbyte)(rng.NextUInt64() >> 63);
                        sample[i] = model.Vartype == Vartype.Binary ? bit : (sbyte)((2 * bit) - 1);
                    }
                }

                try
                {
                    var energy = SteepestDescent.Polish(csr, sample, cancellationToken, out var made);
                    Interlocked.Add(ref moves, made);
                    results[r] = sample;
                    control.Report(energy);
                }
                catch (OperationCanceledException)
                {
                    // The read is dropped; the call returns what finished.
                }
            });

        var samples = new List<(sbyte[] Sample, double Energy)>(reads);
        foreach (var sample in results)
        {
            if (sample is not null)
            {
                samples.Add((sample, model.Energy(sample)));
            }
        }

        if (samples.Count == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        var info = new Dictionary<string, object>
        {
            ["solver"] = "steepest",
            ["seed"] = seed,
            ["reads"] = samples.Count,
            ["threads"] = options.Threads,
            ["moves"] = moves,
        };
        var timing = new SampleTiming { Total = control.Elapsed, TimeToBest = control.TimeToBest, FlipAttempts = moves * n };
        return SampleSet.FromReads(model.Vartype, samples, timing, info);
    }
}
