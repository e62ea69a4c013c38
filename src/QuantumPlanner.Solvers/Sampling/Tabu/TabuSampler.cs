using System.Numerics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Sampling.Tabu;

/// <summary>
/// Multistart tabu search ("tabu"). Budget per read: <see cref="SamplerOptions.Sweeps"/> × n moves (default
/// <see cref="DefaultSweeps"/> × n without a time limit). With a time limit and no sweeps, each read searches until its
/// share of the time is spent (reads default to one per thread, each taking the whole limit); with both, the time limit
/// caps the sweep budget. Reads are independent runs with their own random stream, so under a sweep budget the result
/// does not depend on the thread count. Cancellation returns the best state of every started read; a token already
/// cancelled on entry throws <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class TabuSampler : ISampler
{
    public const int DefaultSweeps = 100;

    public string Name => "tabu";

    public SampleSet Sample(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(model);
        cancellationToken.ThrowIfCancellationRequested();
        var binary = BinaryForms.BinaryCsr(model);
        return BinaryForms.FitsInt(binary)
            ? Run(model, new BinaryForm<int>(binary), options, "int", cancellationToken)
            : Run(model, new BinaryForm<double>(binary), options, "double", cancellationToken);
    }

    private static SampleSet Run<T>(
        BinaryQuadraticModel model,
        BinaryForm<T> form,
        SamplerOptions options,
        string arithmetic,
        CancellationToken cancellationToken)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        var n = model.VariableCount;
        var seed = options.Seed ?? Xoshiro256.RandomSeed();
        var sweeps = options.Sweeps ?? (options.TimeLimit is null ? DefaultSweeps : (int?)null);
        var budget = sweeps is { } s ? (long)s * Math.Max(n, 1) : long.MaxValue;
        var reads = options.Reads ?? (sweeps is null ? options.Threads : 1);
        var parameters = TabuParameters.For(n, n == 0 ? 0 : (double)form.Neighbors.Length / n);
        var control = new SearchControl(options.TimeLimit, options.TargetEnergy, options.OnImprovement, cancellationToken);

        // Time-limited reads beyond one wave per thread share the limit: each gets limit × threads / reads.
        var slice = sweeps is null && options.TimeLimit is { } limit && reads > options.Threads
            ? (long)(limit.TotalSeconds * System.Diagnostics.Stopwatch.Frequency * options.Threads / reads)
            : 0L;
        var results = new sbyte[reads][];
        long moves = 0, evaluated = 0, phases = 0;
        ReadScheduler.Run(
            reads,
            options.Threads,
            control,
            _ => (Search: new TabuSearch<T>(form, parameters), Start: new byte[n]),
            (work, item) =>
            {
                var r = (int)item;
                var rng = Xoshiro256.ForStream(seed, r);
                if (options.InitialStates is { Count: > 0 } initial)
                {
                    BinaryForms.ToBinary(model.Vartype, initial[r % initial.Count], work.Start);
                }
                else
                {
                    for (var i = 0; i < n; i++)
                    {
                        work.Start[i] = (byte)(rng.NextUInt64() >> 63);
                    }
                }

                var deadline = slice > 0
                    ? Math.Min(control.Deadline, System.Diagnostics.Stopwatch.GetTimestamp() + slice)
                    : control.Deadline;
                work.Search.Run(work.Start, ref rng, budget, deadline, control);
                results[r] = BinaryForms.FromBinary(model.Vartype, work.Search.Best);
                Interlocked.Add(ref moves, work.Search.Moves);
                Interlocked.Add(ref evaluated, work.Search.Evaluated);
                Interlocked.Add(ref phases, work.Search.Phases);
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
            ["solver"] = "tabu",
            ["seed"] = seed,
            ["reads"] = samples.Count,
            ["threads"] = options.Threads,
            ["moveBudget"] = budget == long.MaxValue ? "time" : budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["moves"] = moves,
            ["phases"] = phases,
            ["tenure"] = $"{parameters.TenureBase}+U[0,{parameters.TenureSpan}]",
            ["stall"] = parameters.Stall,
            ["arithmetic"] = arithmetic,
            ["stopped"] = StopReason(control, cancellationToken),
        };
        if (sweeps is { } used)
        {
            info["sweeps"] = used;
        }

        var timing = new SampleTiming { Total = control.Elapsed, TimeToBest = control.TimeToBest, FlipAttempts = evaluated };
        return SampleSet.FromReads(model.Vartype, samples, timing, info);
    }

    private static string StopReason(SearchControl control, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? "cancelled"
        : control.TargetReached ? "target"
        : control.Deadline != long.MaxValue && System.Diagnostics.Stopwatch.GetTimestamp() >= control.Deadline ? "time"
        : "budget";
}
