using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// One read at a time with integer local fields (scaled by <see cref="IsingModel.Scale"/>) and acceptance looked up in
/// the sweep's table: no exp(), no doubles and no division in the loop.
/// </summary>
internal sealed class TableAnnealer : IAnnealer
{
    private readonly AnnealingRun run;
    private readonly int[] field;
    private readonly sbyte[] spins;
    private readonly int[] scratch;
    private bool metTarget;

    public TableAnnealer(AnnealingRun run)
    {
        this.run = run;
        field = new int[run.Ising.VariableCount];
        spins = new sbyte[run.Ising.VariableCount];
        scratch = new int[run.Tables!.ScratchLength];
    }

    public long AttemptsPerSweep => run.Ising.VariableCount;

    public int Lanes => 1;

    public int Run(long firstRead)
    {
        var ising = run.Ising;
        var tables = run.Tables!;
        var rng = Xoshiro256.ForStream(run.Seed, firstRead);
        run.InitialState(firstRead, ref rng, spins);
        InitFields(ising, spins, field);
        var energy2k = EnergyTimes2Scale(ising, spins, field);
        var targetCheck = run.Control.HasTarget;
        metTarget = false;
        var count = tables.Count;
        var begin = System.Diagnostics.Stopwatch.GetTimestamp();
        var window = run.Window(begin);
        long sweeps = 0;
        for (var t = 0; t < count;)
        {
            // Σx over accepted flips; each changes 2·Scale·(E − offset) by 4x.
            energy2k += 4 * Sweep(ising, field, spins, tables.Table(t, scratch), ref rng);
            sweeps++;
            if (targetCheck && run.Control.MeetsTarget(ising.Offset + (energy2k / (2.0 * ising.Scale))))
            {
                metTarget = true;
                run.Control.SignalTarget();
                SweepsDone = sweeps;
                return t + 1;
            }

            t = run.NextStep(t, count, begin, window);
            if (t < count && run.Control.ShouldStop())
            {
                SweepsDone = sweeps;
                return t;
            }
        }

        SweepsDone = sweeps;
        return count;
    }

    public long SweepsDone { get; private set; }

    public void CopySpins(int lane, Span<sbyte> target) => spins.CopyTo(target);

    public bool MetTarget(int lane) => metTarget;

    internal static void InitFields(IsingModel ising, ReadOnlySpan<sbyte> spins, Span<int> field)
    {
        for (var i = 0; i < ising.VariableCount; i++)
        {
            var f = ising.LinearScaled[i];
            for (var k = ising.RowStart[i]; k < ising.RowStart[i + 1]; k++)
            {
                f += (ising.Weights2Scaled[k] / 2) * spins[ising.Neighbors[k]];
            }

            field[i] = f;
        }
    }

    /// <summary>2·Scale·(E − offset) = Σ s_i (h_i + f_i), all scaled: exact in integers.</summary>
    internal static long EnergyTimes2Scale(IsingModel ising, ReadOnlySpan<sbyte> spins, ReadOnlySpan<int> field)
    {
        long sum = 0;
        for (var i = 0; i < spins.Length; i++)
        {
            sum += spins[i] * (long)(ising.LinearScaled[i] + field[i]);
        }

        return sum;
    }

    /// <summary>
    /// One sequential sweep. x = −s_i·f_i is the scaled energy excess of flipping i (ΔE = 2x/Scale); x ≤ 0 always
    /// flips, otherwise a 31-bit draw below table[x] does. Returns Σx over the flips made.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static long Sweep(IsingModel ising, int[] field, sbyte[] spins, ReadOnlySpan<int> table, ref Xoshiro256 random)
    {
        var rng = random;
        var n = spins.Length;
        ref var f = ref MemoryMarshal.GetArrayDataReference(field);
        ref var s = ref MemoryMarshal.GetArrayDataReference(spins);
        ref var rowStart = ref MemoryMarshal.GetArrayDataReference(ising.RowStart);
        ref var neighbors = ref MemoryMarshal.GetArrayDataReference(ising.Neighbors);
        ref var weights = ref MemoryMarshal.GetArrayDataReference(ising.Weights2Scaled);
        ref var tab = ref MemoryMarshal.GetReference(table);
        var last = table.Length - 1;
        long change = 0;
        var start = rowStart;
        for (var i = 0; i < n; i++)
        {
            var end = Unsafe.Add(ref rowStart, i + 1);
            int si = Unsafe.Add(ref s, i);
            var x = -si * Unsafe.Add(ref f, i);
            if (x > 0)
            {
                // A zero entry means "never": skip the draw, which is most moves near the cold end.
                var threshold = Unsafe.Add(ref tab, Math.Min(x, last));
                if (threshold == 0 || (int)(rng.NextUInt64() >> 33) >= threshold)
                {
                    start = end;
                    continue;
                }
            }

            Unsafe.Add(ref s, i) = (sbyte)-si;
            change += x;
            for (var k = start; k < end; k++)
            {
                Unsafe.Add(ref f, Unsafe.Add(ref neighbors, k)) -= si * Unsafe.Add(ref weights, k);
            }

            start = end;
        }

        random = rng;
        return change;
    }
}
