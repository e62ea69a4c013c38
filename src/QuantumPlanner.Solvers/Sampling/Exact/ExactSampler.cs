using System.Numerics;
using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers.Sampling.Exact;

/// <summary>
/// Exhaustive enumeration ("exact"): visits all 2^n states in Gray-code order, one flip and an O(degree) field update
/// per state, and returns the <see cref="SamplerOptions.Reads"/> lowest distinct states (default 1). The space is cut
/// into chunks of 2^16 states by the top bits; threads take chunks in turn and each chunk starts from energies computed
/// from scratch, so rounding never drifts across chunks and the result does not depend on the thread count.
/// Cancellation throws <see cref="OperationCanceledException"/>: a partial enumeration proves nothing.
/// Seed, sweeps, time limit, target energy and initial states do not apply and are ignored.
/// </summary>
public sealed class ExactSampler : ISampler
{
    /// <summary>Largest model enumerated: 2^30 states take seconds to a minute.</summary>
    public const int MaxVariables = 30;

    private const int ChunkBits = 16;

    public string Name => "exact";

    public SampleSet Sample(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(model);
        var n = model.VariableCount;
        if (n > MaxVariables)
        {
            throw new ArgumentException(
                $"The exact sampler enumerates all 2^n states and takes at most {MaxVariables} variables, but the model has n = {n}. Maybe use the 'tabu' or 'sa' sampler.",
                nameof(model));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var control = new SearchControl(null, null, null, cancellationToken);
        var binary = BinaryForms.BinaryCsr(model);
        var states = 1L << n;
        var keep = (int)Math.Min(options.Reads ?? 1, states);
        var lowBits = Math.Min(n, ChunkBits);
        var chunks = 1L << (n - lowBits);
        var threads = (int)Math.Min(options.Threads, chunks);
        var kept = new BestStates?[threads];
        ReadScheduler.Run(
            chunks,
            threads,
            control,
            worker => (Best: kept[worker] = new BestStates(keep), Field: new double[n], X: new byte[n]),
            (work, chunk) => EnumerateChunk(binary, chunk, lowBits, work.X, work.Field, work.Best));

        cancellationToken.ThrowIfCancellationRequested();
        var merged = kept.SelectMany(k => k?.ToList() ?? []).OrderBy(s => s.Energy).ThenBy(s => s.State).Take(keep);
        var reads = merged.Select(s =>
        {
            var sample = new sbyte[n];
            for (var i = 0; i < n; i++)
            {
                var bit = (s.State >> i) & 1;
                sample[i] = model.Vartype == Vartype.Binary ? (sbyte)bit : (sbyte)((2 * bit) - 1);
            }

            return (sample, model.Energy(sample));
        }).ToList();
        var elapsed = control.Elapsed;
        var info = new Dictionary<string, object>
        {
            ["solver"] = "exact",
            ["states"] = states,
            ["threads"] = threads,
            ["reads"] = reads.Count,
        };
        var timing = new SampleTiming { Total = elapsed, TimeToBest = elapsed, FlipAttempts = states };
        return SampleSet.FromReads(model.Vartype, reads, timing, info);
    }

    /// <summary>Enumerates the 2^lowBits states whose top bits spell <paramref name="chunk"/>.</summary>
    private static void EnumerateChunk(CsrAdjacency binary, long chunk, int lowBits, byte[] x, double[] field, BestStates best)
    {
        var n = binary.VariableCount;
        var rowStart = binary.RowStart;
        var neighbors = binary.Neighbors;
        var weights = binary.Weights;
        for (var i = 0; i < n; i++)
        {
            x[i] = i < lowBits ? (byte)0 : (byte)((chunk >> (i - lowBits)) & 1);
        }

        var energy = binary.Offset;
        for (var i = 0; i < n; i++)
        {
            var f = binary.Linear[i];
            var pair = 0.0;
            for (var k = rowStart[i]; k < rowStart[i + 1]; k++)
            {
                if (x[neighbors[k]] != 0)
                {
                    f += weights[k];
                    pair += neighbors[k] > i ? weights[k] : 0.0;
                }
            }

            field[i] = f;
            if (x[i] != 0)
            {
                energy += binary.Linear[i] + pair;
            }
        }

        var state = chunk << lowBits;
        best.Offer(energy, state);
        var count = 1L << lowBits;
        for (var g = 1L; g < count; g++)
        {
            var k = BitOperations.TrailingZeroCount(g);
            var up = x[k] == 0;
            energy += up ? field[k] : -field[k];
            x[k] = up ? (byte)1 : (byte)0;
            state ^= 1L << k;
            var sign = up ? 1.0 : -1.0;
            for (var e = rowStart[k]; e < rowStart[k + 1]; e++)
            {
                field[neighbors[e]] += sign * weights[e];
            }

            if (energy <= best.Threshold)
            {
                best.Offer(energy, state);
            }
        }
    }

    /// <summary>The lowest (energy, state) pairs seen, in a small sorted array; ties go to the smaller state index.</summary>
    private sealed class BestStates(int capacity)
    {
        private readonly double[] energies = new double[capacity];
        private readonly long[] states = new long[capacity];
        private int count;

        /// <summary>Energies above this can never enter.</summary>
        public double Threshold => count < capacity ? double.PositiveInfinity : energies[count - 1];

        public void Offer(double energy, long state)
        {
            if (count == capacity && (energy > energies[count - 1] || (energy == energies[count - 1] && state > states[count - 1])))
            {
                return;
            }

            var at = count < capacity ? count++ : count - 1;
            while (at > 0 && (energies[at - 1] > energy || (energies[at - 1] == energy && states[at - 1] > state)))
            {
                energies[at] = energies[at - 1];
                states[at] = states[at - 1];
                at--;
            }

            energies[at] = energy;
            states[at] = state;
        }

        public List<(double Energy, long State)> ToList()
        {
            var list = new List<(double, long)>(count);
            for (var i = 0; i < count; i++)
            {
                list.Add((energies[i], states[i]));
            }

            return list;
        }
    }
}
