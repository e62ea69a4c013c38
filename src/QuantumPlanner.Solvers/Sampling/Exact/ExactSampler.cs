using System.Numerics;
using System.Runtime.InteropServices;
using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers.Sampling.Exact;

/// <summary>
/// Exhaustive enumeration ("exact") of all 2^n states, returning the <see cref="SamplerOptions.Reads"/> lowest
/// distinct states (default 1; ties go to the smaller state index).
/// <para>
/// The variables split into the low <see cref="LowBits"/> and the high rest. For one assignment of the high bits the
/// energies of all 2^LowBits low assignments form a block: the low bits' own energy (precomputed once) plus, for each
/// high bit that is set, that bit's column of couplings summed over the low bits in each assignment (precomputed once
/// too). The high bits run through a Gray code, so each step flips one high bit and adds or subtracts one column from
/// the block and takes the block's minimum in the same vectorised pass: about one add and one compare per state,
/// instead of a field update over every neighbour. Only a block whose minimum can enter the kept states is scanned.
/// </para>
/// <para>
/// The high Gray code is cut into chunks by its top bits; threads take chunks in turn and each chunk starts from
/// energies computed from scratch, so rounding never drifts across chunks and the result does not depend on the
/// thread count. Cancellation throws <see cref="OperationCanceledException"/>: a partial enumeration proves nothing.
/// Seed, sweeps, time limit, target energy and initial states do not apply and are ignored.
/// </para>
/// </summary>
public sealed class ExactSampler : ISampler
{
    /// <summary>Largest model enumerated: 2^30 states take seconds (see docs/architecture.md for the measurement).</summary>
    public const int MaxVariables = 30;

    /// <summary>2^12 doubles (32 KiB) per block: the block stays in the first-level cache while columns stream through it.</summary>
    private const int LowBits = 12;

    /// <summary>Top high bits that number the chunks: up to 64 chunks, enough for every thread to get an even share.</summary>
    private const int ChunkIndexBits = 6;

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
        var tables = new Tables(BinaryForms.BinaryCsr(model));
        var states = 1L << n;
        var keep = (int)Math.Min(options.Reads ?? 1, states);
        var threads = (int)Math.Min(options.Threads, tables.Chunks);
        var kept = new BestStates?[threads];
        ReadScheduler.Run(
            tables.Chunks,
            threads,
            control,
            worker => new Workspace(tables, kept[worker] = new BestStates(keep)),
            (work, chunk) => EnumerateChunk(tables, chunk, work));

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

    /// <summary>Enumerates the high assignments whose top bits spell <paramref name="chunk"/>, each with its whole low block.</summary>
    private static void EnumerateChunk(Tables tables, long chunk, Workspace work)
    {
        var low = tables.Low;
        var high = tables.High;
        var inner = tables.InnerBits;
        var binary = tables.Binary;
        var block = work.Block;
        var field = work.HighField;
        var x = work.High;
        for (var j = 0; j < high; j++)
        {
            x[j] = j < inner ? (byte)0 : (byte)((chunk >> (j - inner)) & 1);
        }

        // The high bits' own energy and one-flip fields, from scratch.
        var energy = binary.Offset;
        for (var j = 0; j < high; j++)
        {
            var i = low + j;
            var f = binary.Linear[i];
            var pair = 0.0;
            for (var k = binary.RowStart[i]; k < binary.RowStart[i + 1]; k++)
            {
                var m = binary.Neighbors[k];
                if (m >= low && x[m - low] != 0)
                {
                    f += binary.Weights[k];
                    pair += m > i ? binary.Weights[k] : 0.0;
                }
            }

            field[j] = f;
            if (x[j] != 0)
            {
                energy += binary.Linear[i] + pair;
            }
        }

        tables.LowEnergy.CopyTo(block, 0);
        for (var j = 0; j < high; j++)
        {
            if (x[j] != 0)
            {
                AddAndMin(block, tables.Columns[j], add: true);
            }
        }

        var highState = chunk << inner;
        var best = work.Best;
        var min = Min(block);
        if (energy + min <= best.Threshold)
        {
            Offer(block, energy, highState << low, best);
        }

        var count = 1L << inner;
        for (var g = 1L; g < count; g++)
        {
            var j = BitOperations.TrailingZeroCount(g);
            var up = x[j] == 0;
            energy += up ? field[j] : -field[j];
            x[j] = up ? (byte)1 : (byte)0;
            highState ^= 1L << j;
            var i = low + j;
            var sign = up ? 1.0 : -1.0;
            for (var k = binary.RowStart[i]; k < binary.RowStart[i + 1]; k++)
            {
                var m = binary.Neighbors[k];
                if (m >= low)
                {
                    field[m - low] += sign * binary.Weights[k];
                }
            }

            min = AddAndMin(block, tables.Columns[j], up);
            if (energy + min <= best.Threshold)
            {
                Offer(block, energy, highState << low, best);
            }
        }
    }

    /// <summary>block ± column, element by element, and the smallest result, in one vectorised pass.</summary>
    private static double AddAndMin(double[] block, double[] column, bool add)
    {
        var blocks = MemoryMarshal.Cast<double, Vector<double>>(block.AsSpan());
        var columns = MemoryMarshal.Cast<double, Vector<double>>(column.AsSpan());
        var least = new Vector<double>(double.PositiveInfinity);
        if (add)
        {
            for (var v = 0; v < blocks.Length; v++)
            {
                var sum = blocks[v] + columns[v];
                blocks[v] = sum;
                least = Vector.Min(least, sum);
            }
        }
        else
        {
            for (var v = 0; v < blocks.Length; v++)
            {
                var difference = blocks[v] - columns[v];
                blocks[v] = difference;
                least = Vector.Min(least, difference);
            }
        }

        var min = double.PositiveInfinity;
        for (var lane = 0; lane < Vector<double>.Count; lane++)
        {
            min = Math.Min(min, least[lane]);
        }

        for (var y = blocks.Length * Vector<double>.Count; y < block.Length; y++)
        {
            block[y] = add ? block[y] + column[y] : block[y] - column[y];
            min = Math.Min(min, block[y]);
        }

        return min;
    }

    private static double Min(double[] block)
    {
        var min = double.PositiveInfinity;
        foreach (var value in block)
        {
            min = Math.Min(min, value);
        }

        return min;
    }

    private static void Offer(double[] block, double energy, long stateBase, BestStates best)
    {
        for (var y = 0; y < block.Length; y++)
        {
            var e = energy + block[y];
            if (e <= best.Threshold)
            {
                best.Offer(e, stateBase | (long)y);
            }
        }
    }

    /// <summary>What every chunk reads: the split into low and high bits, the low block's own energies and the high bits' columns.</summary>
    private sealed class Tables
    {
        public Tables(CsrAdjacency binary)
        {
            Binary = binary;
            var n = binary.VariableCount;
            Low = Math.Min(n, LowBits);
            High = n - Low;
            var chunkBits = Math.Min(High, ChunkIndexBits);
            InnerBits = High - chunkBits;
            Chunks = 1L << chunkBits;
            var size = 1 << Low;

            // Subset sums over the low bits: the entry for y extends the entry for y without its lowest bit k.
            LowEnergy = new double[size];
            Columns = new double[High][];
            for (var j = 0; j < High; j++)
            {
                Columns[j] = new double[size];
            }

            var toHigh = new double[Low * Math.Max(High, 1)];
            for (var k = 0; k < Low; k++)
            {
                for (var e = binary.RowStart[k]; e < binary.RowStart[k + 1]; e++)
                {
                    if (binary.Neighbors[e] >= Low)
                    {
                        toHigh[(k * High) + binary.Neighbors[e] - Low] += binary.Weights[e];
                    }
                }
            }

            for (var y = 1; y < size; y++)
            {
                var k = BitOperations.TrailingZeroCount(y);
                var rest = y & (y - 1);
                var energy = LowEnergy[rest] + binary.Linear[k];
                for (var e = binary.RowStart[k]; e < binary.RowStart[k + 1]; e++)
                {
                    var m = binary.Neighbors[e];
                    if (m < Low && ((rest >> m) & 1) != 0)
                    {
                        energy += binary.Weights[e];
                    }
                }

                LowEnergy[y] = energy;
                for (var j = 0; j < High; j++)
                {
                    Columns[j][y] = Columns[j][rest] + toHigh[(k * High) + j];
                }
            }
        }

        public CsrAdjacency Binary { get; }

        public int Low { get; }

        public int High { get; }

        /// <summary>High bits run through by the Gray code inside one chunk; the ones above them number the chunk.</summary>
        public int InnerBits { get; }

        public long Chunks { get; }

        public double[] LowEnergy { get; }

        public double[][] Columns { get; }
    }

    /// <summary>One worker's block, high bits and fields, and its kept states.</summary>
    private sealed class Workspace(Tables tables, BestStates best)
    {
        public double[] Block { get; } = new double[tables.LowEnergy.Length];

        public double[] HighField { get; } = new double[tables.High];

        public byte[] High { get; } = new byte[tables.High];

        public BestStates Best { get; } = best;
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
