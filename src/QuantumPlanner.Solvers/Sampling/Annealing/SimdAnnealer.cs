using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// Eight reads at once, one per 32-bit lane of a Vector256: variable i of all eight replicas sits in one vector, so an
/// attempt is a handful of vector operations and a gather, with no branch on the random outcome. Neighbour updates
/// run once for every lane that flipped. Needs AVX2 (for the gather) and an integral model.
/// </summary>
internal sealed class SimdAnnealer : ISplittableAnnealer
{
    internal const int Width = 8;

    // Separates the lane-dynamics streams from the per-read start-state streams of the same seed.
    private const ulong DynamicsSalt = 0x5DEECE66DUL;

    private readonly AnnealingRun run;
    private readonly int[] field;
    private readonly int[] spinMasks;
    private readonly int[] scratch;
    private readonly sbyte[] laneSpins;
    private readonly long[] energy2k = new long[Width];
    private readonly bool[] metTarget = new bool[Width];
    private VectorXoshiro rng;
    private long begin;
    private long window;

    public SimdAnnealer(AnnealingRun run)
    {
        this.run = run;
        var n = run.Ising.VariableCount;
        field = new int[n * Width];
        spinMasks = new int[n * Width];
        laneSpins = new sbyte[n];
        scratch = new int[run.Tables!.ScratchLength];
    }

    public static bool IsSupported => Avx2.IsSupported;

    public long AttemptsPerSweep => (long)run.Ising.VariableCount * Width;

    public int Lanes => Width;

    public int StepsDone { get; private set; }

    public long SweepsDone { get; private set; }

    public int Run(long firstRead)
    {
        Begin(firstRead);
        Advance(run.Tables!.Count);
        return StepsDone;
    }

    public void Begin(long firstRead)
    {
        var ising = run.Ising;
        var n = ising.VariableCount;
        for (var lane = 0; lane < Width; lane++)
        {
            var start = Xoshiro256.ForStream(run.Seed, firstRead + lane);
            run.InitialState(firstRead + lane, ref start, laneSpins);
            for (var i = 0; i < n; i++)
            {
                spinMasks[(i * Width) + lane] = laneSpins[i] < 0 ? -1 : 0;
            }

            metTarget[lane] = false;
        }

        InitFields(ising, spinMasks, field);
        for (var lane = 0; lane < Width; lane++)
        {
            energy2k[lane] = LaneEnergyTimes2Scale(ising, spinMasks, field, lane);
        }

        rng = new VectorXoshiro(run.Seed ^ DynamicsSalt, firstRead / Width * 4);
        StepsDone = 0;
        SweepsDone = 0;
        begin = Stopwatch.GetTimestamp();
        window = run.Window(begin);
    }

    public int Advance(int steps)
    {
        var ising = run.Ising;
        var tables = run.Tables!;
        var count = tables.Count;
        var first = StepsDone;
        var last = (int)Math.Min(count, (long)first + steps);
        var targetCheck = run.Control.HasTarget;
        Span<int> change = stackalloc int[Width];
        var t = first;
        while (t < last)
        {
            var sum = Sweep(ising, field, spinMasks, tables.Table(t, scratch), ref rng);
            SweepsDone++;
            if (targetCheck)
            {
                sum.CopyTo(change);
                var hit = false;
                for (var lane = 0; lane < Width; lane++)
                {
                    energy2k[lane] += 4L * change[lane];
                    if (run.Control.MeetsTarget(ising.Offset + (energy2k[lane] / (2.0 * ising.Scale))))
                    {
                        metTarget[lane] = true;
                        hit = true;
                    }
                }

                if (hit)
                {
                    run.Control.SignalTarget();
                    t++;
                    break;
                }
            }

            t = run.NextStep(t, count, begin, window);
            if (t < count && run.Control.ShouldStop())
            {
                break;
            }
        }

        StepsDone = Math.Min(t, count);
        return StepsDone - first;
    }

    public void CopySpins(int lane, Span<sbyte> target) => LaneSpins(spinMasks, lane, target);

    internal static void LaneSpins(int[] spinMasks, int lane, Span<sbyte> target)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] = spinMasks[(i * Width) + lane] < 0 ? (sbyte)-1 : (sbyte)1;
        }
    }

    public bool MetTarget(int lane) => metTarget[lane];

    /// <summary>The eight lanes' local fields at once; per group this ran longer than ten sweeps when done lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void InitFields(IsingModel ising, int[] masks, int[] field)
    {
        ref var m0 = ref MemoryMarshal.GetArrayDataReference(masks);
        ref var f0 = ref MemoryMarshal.GetArrayDataReference(field);
        var one = Vector256<int>.One;
        for (var i = 0; i < ising.VariableCount; i++)
        {
            var f = Vector256.Create(ising.LinearScaled[i]);
            for (var k = ising.RowStart[i]; k < ising.RowStart[i + 1]; k++)
            {
                // A mask of −1 is spin −1 and 0 is spin +1, so mask | 1 is the spin.
                var spin = Vector256.LoadUnsafe(ref m0, (nuint)(uint)(ising.Neighbors[k] * Width)) | one;
                f += Vector256.Create(ising.Weights2Scaled[k] / 2) * spin;
            }

            f.StoreUnsafe(ref f0, (nuint)(uint)(i * Width));
        }
    }

    /// <summary>2·Scale·(E − offset) of one lane, exact in integers.</summary>
    internal static long LaneEnergyTimes2Scale(IsingModel ising, int[] spinMasks, int[] field, int lane)
    {
        long sum = 0;
        for (var i = 0; i < ising.VariableCount; i++)
        {
            var s = spinMasks[(i * Width) + lane] < 0 ? -1 : 1;
            sum += s * (long)(ising.LinearScaled[i] + field[(i * Width) + lane]);
        }

        return sum;
    }

    /// <summary>
    /// One sequential sweep over all eight replicas; returns Σx over each lane's flips. Spins are stored as masks
    /// (−1 for spin −1, 0 for +1) so that x = −s·f is (f ^ ~m) − ~m without a multiply.
    /// </summary>
    internal static unsafe Vector256<int> Sweep(IsingModel ising, int[] field, int[] masks, ReadOnlySpan<int> table, ref VectorXoshiro random)
    {
        fixed (int* tab = table)
        {
            return Sweep(ising, field, masks, tab, Vector256<int>.Zero, Vector256.Create(table.Length - 1), ref random);
        }
    }

    /// <summary>
    /// The same sweep with a table per lane: lane l reads tables[offset_l .. offset_l + last_l], so the eight lanes
    /// may anneal at eight temperatures (parallel tempering). The caller keeps the tables pinned.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe Vector256<int> Sweep(
        IsingModel ising,
        int[] field,
        int[] masks,
        int* tables,
        Vector256<int> laneOffset,
        Vector256<int> laneLast,
        ref VectorXoshiro random)
    {
        var rng = random;
        var n = ising.VariableCount;
        ref var f0 = ref MemoryMarshal.GetArrayDataReference(field);
        ref var m0 = ref MemoryMarshal.GetArrayDataReference(masks);
        ref var rowStart = ref MemoryMarshal.GetArrayDataReference(ising.RowStart);
        ref var neighbors = ref MemoryMarshal.GetArrayDataReference(ising.Neighbors);
        ref var weights = ref MemoryMarshal.GetArrayDataReference(ising.Weights2Scaled);
        var one = Vector256<int>.One;
        var change = Vector256<int>.Zero;
        var start = rowStart;
        for (var i = 0; i < n; i++)
        {
            var end = Unsafe.Add(ref rowStart, i + 1);
            var offset = (nuint)(uint)(i * Width);
            var f = Vector256.LoadUnsafe(ref f0, offset);
            var m = Vector256.LoadUnsafe(ref m0, offset);
            var notM = ~m;
            var x = (f ^ notM) - notM;
            var flip = Vector256.LessThan(x, one);
            if (flip != Vector256<int>.AllBitsSet)
            {
                // Lanes at or past their table's closing 0 always reject: near the cold end that is nearly every lane,
                // and skipping the gather and the draw then is most of the kernel's speed there.
                var live = Vector256.LessThan(x, laneLast) & ~flip;
                if (live != Vector256<int>.Zero)
                {
                    var index = Vector256.Min(Vector256.Max(x, Vector256<int>.Zero), laneLast) + laneOffset;
                    var threshold = Avx2.GatherVector256(tables, index, 4);
                    var draw = Vector256.GreaterThan(threshold, Vector256<int>.Zero) & live;
                    if (draw != Vector256<int>.Zero)
                    {
                        flip |= Vector256.LessThan(rng.Next31(), threshold) & draw;
                    }
                }

                if (flip == Vector256<int>.Zero)
                {
                    start = end;
                    continue;
                }
            }

            (m ^ flip).StoreUnsafe(ref m0, offset);
            change += x & flip;

            // −s_old on flipped lanes, 0 elsewhere: f_j += 2J·(−s_old) for each neighbour j.
            var c = ((one ^ notM) - notM) & flip;
            for (var k = start; k < end; k++)
            {
                var j = (nuint)(uint)(Unsafe.Add(ref neighbors, k) * Width);
                var fj = Vector256.LoadUnsafe(ref f0, j);
                (fj + (Vector256.Create(Unsafe.Add(ref weights, k)) * c)).StoreUnsafe(ref f0, j);
            }

            start = end;
        }

        random = rng;
        return change;
    }
}

/// <summary>Four xoshiro256** streams in the 64-bit lanes of a Vector256; each step yields eight 31-bit draws.</summary>
internal struct VectorXoshiro
{
    private Vector256<ulong> s0;
    private Vector256<ulong> s1;
    private Vector256<ulong> s2;
    private Vector256<ulong> s3;

    public VectorXoshiro(ulong seed, long firstStream)
    {
        Span<ulong> a = stackalloc ulong[4];
        Span<ulong> b = stackalloc ulong[4];
        Span<ulong> c = stackalloc ulong[4];
        Span<ulong> d = stackalloc ulong[4];
        for (var q = 0; q < 4; q++)
        {
            // Draw the four state words of each lane from its own scalar stream.
            var g = Xoshiro256.ForStream(seed, firstStream + q);
            a[q] = g.NextUInt64();
            b[q] = g.NextUInt64();
            c[q] = g.NextUInt64();
            d[q] = g.NextUInt64();
        }

        s0 = Vector256.Create<ulong>(a);
        s1 = Vector256.Create<ulong>(b);
        s2 = Vector256.Create<ulong>(c);
        s3 = Vector256.Create<ulong>(d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> Next31()
    {
        // result = rotl(s1·5, 7)·9 with the multiplies as shift-adds (AVX2 has no 64-bit multiply).
        var t5 = (s1 << 2) + s1;
        var r = (t5 << 7) | (t5 >>> 57);
        var result = (r << 3) + r;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >>> 19);
        return (result.AsUInt32() >>> 1).AsInt32();
    }
}
