using System.Runtime.Intrinsics;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// Parallel tempering on the SIMD kernel: replicas sit in the eight lanes of a few vector groups and stay there;
/// an exchange swaps the two replicas' temperatures (their slots) instead of their states, so a lane reads the
/// acceptance table of whatever slot it currently holds. Needs AVX2, an integral model and replicas in eights.
/// </summary>
internal sealed class SimdTemperingAnnealer : IAnnealer
{
    private const int Width = SimdAnnealer.Width;

    // Separates these dynamics streams from those of the SA kernel and from the start-state streams.
    private const ulong DynamicsSalt = 0x2545F4914F6CDD1DUL;

    private readonly AnnealingRun run;
    private readonly int sweeps;
    private readonly int slots;
    private readonly int groups;
    private readonly TemperingReport report;
    private readonly double[] ladder;
    private readonly int[][] fields;
    private readonly int[][] masks;
    private readonly int[] slotOf;
    private readonly int[] replicaAt;
    private readonly long[] energy2k;
    private readonly int[] tables;
    private readonly int[] tableOffset;
    private readonly int[] tableLast;
    private readonly int[] laneOffset = new int[Width];
    private readonly int[] laneLast = new int[Width];
    private readonly long[] attempts;
    private readonly double[] accepted;
    private readonly sbyte[] best;
    private readonly sbyte[] scratch;
    private long bestEnergy2k;
    private bool metTarget;

    public SimdTemperingAnnealer(AnnealingRun run, int sweeps, TemperingReport report)
    {
        this.run = run;
        this.sweeps = sweeps;
        this.report = report;
        var n = run.Ising.VariableCount;
        slots = run.Betas.Length;
        groups = slots / Width;
        ladder = new double[slots];
        fields = new int[groups][];
        masks = new int[groups][];
        for (var g = 0; g < groups; g++)
        {
            fields[g] = new int[n * Width];
            masks[g] = new int[n * Width];
        }

        slotOf = new int[slots];
        replicaAt = new int[slots];
        energy2k = new long[slots];
        tables = new int[checked(slots * (run.Ising.MaxScaledField + 2))];
        tableOffset = new int[slots];
        tableLast = new int[slots];
        attempts = new long[slots - 1];
        accepted = new double[slots - 1];
        best = new sbyte[n];
        scratch = new sbyte[n];
    }

    public static bool Supports(IsingModel ising, int replicas) =>
        SimdAnnealer.IsSupported && ising.IsIntegral && replicas % Width == 0
        && (long)replicas * (ising.MaxScaledField + 2) <= 1 << 24;

    public long AttemptsPerSweep => (long)run.Ising.VariableCount * slots;

    public int Lanes => 1;

    public long SweepsDone { get; private set; }

    public int Run(long firstRead)
    {
        var done = Anneal(firstRead);
        SweepsDone = done;
        if (firstRead == 0)
        {
            report.Ladder = [.. ladder];
            report.SwapRates = TemperingLadder.Rates(attempts, accepted);
        }

        return done;
    }

    public void CopySpins(int lane, Span<sbyte> target) => best.CopyTo(target);

    public bool MetTarget(int lane) => metTarget;

    private int Anneal(long firstRead)
    {
        var ising = run.Ising;
        var n = ising.VariableCount;
        var rng = Xoshiro256.ForStream(run.Seed, firstRead);
        var lanes = new VectorXoshiro(run.Seed ^ DynamicsSalt, firstRead * groups * 4);
        run.Betas.CopyTo(ladder, 0);
        Array.Clear(attempts);
        Array.Clear(accepted);
        BuildTables();
        metTarget = false;
        bestEnergy2k = long.MaxValue;
        for (var r = 0; r < slots; r++)
        {
            // Replica r lives in group r/8, lane r%8, and starts at slot r.
            slotOf[r] = r;
            replicaAt[r] = r;
            run.InitialState(firstRead, ref rng, scratch);
            var m = masks[r / Width];
            for (var i = 0; i < n; i++)
            {
                m[(i * Width) + (r % Width)] = scratch[i] < 0 ? -1 : 0;
            }
        }

        for (var g = 0; g < groups; g++)
        {
            SimdAnnealer.InitFields(ising, masks[g], fields[g]);
            for (var lane = 0; lane < Width; lane++)
            {
                energy2k[(g * Width) + lane] = SimdAnnealer.LaneEnergyTimes2Scale(ising, masks[g], fields[g], lane);
            }
        }

        UpdateBest();
        var adaptSweeps = sweeps / 4;
        var window = Math.Max(10, adaptSweeps / TemperingLadder.Windows);
        for (var sweep = 0; sweep < sweeps; sweep++)
        {
            SweepGroups(ref lanes);
            UpdateBest();
            Exchange(sweep, ref rng);
            if (run.Control.HasTarget && run.Control.MeetsTarget(Energy(bestEnergy2k)))
            {
                metTarget = true;
                run.Control.SignalTarget();
                return sweep + 1;
            }

            if (sweep < adaptSweeps && (sweep + 1) % window == 0)
            {
                TemperingLadder.Respace(ladder, attempts, accepted);
                BuildTables();
            }

            if (run.Control.ShouldStop())
            {
                return sweep + 1;
            }
        }

        return sweeps;
    }

    private unsafe void SweepGroups(ref VectorXoshiro lanes)
    {
        fixed (int* tab = tables)
        {
            for (var g = 0; g < groups; g++)
            {
                for (var lane = 0; lane < Width; lane++)
                {
                    var slot = slotOf[(g * Width) + lane];
                    laneOffset[lane] = tableOffset[slot];
                    laneLast[lane] = tableLast[slot];
                }

                var change = SimdAnnealer.Sweep(
                    run.Ising,
                    fields[g],
                    masks[g],
                    tab,
                    Vector256.Create<int>(laneOffset),
                    Vector256.Create<int>(laneLast),
                    ref lanes);
                for (var lane = 0; lane < Width; lane++)
                {
                    energy2k[(g * Width) + lane] += 4L * change.GetElement(lane);
                }
            }
        }
    }

    private void UpdateBest()
    {
        var arg = -1;
        for (var r = 0; r < slots; r++)
        {
            if (energy2k[r] < bestEnergy2k)
            {
                bestEnergy2k = energy2k[r];
                arg = r;
            }
        }

        if (arg >= 0)
        {
            SimdAnnealer.LaneSpins(masks[arg / Width], arg % Width, best);
        }
    }

    private double Energy(long scaled) => run.Ising.Offset + (scaled / (2.0 * run.Ising.Scale));

    /// <summary>Even slot pairs on even sweeps, odd on odd; an accepted exchange swaps the replicas' slots.</summary>
    private void Exchange(int sweep, ref Xoshiro256 rng)
    {
        var toEnergy = 1.0 / (2.0 * run.Ising.Scale);
        for (var a = sweep & 1; a + 1 < slots; a += 2)
        {
            var p = replicaAt[a];
            var q = replicaAt[a + 1];
            attempts[a]++;
            var exponent = (ladder[a] - ladder[a + 1]) * (energy2k[p] - energy2k[q]) * toEnergy;
            var probability = exponent >= 0 ? 1.0 : Math.Exp(exponent);
            accepted[a] += probability;
            if (probability < 1.0 && rng.NextDouble() >= probability)
            {
                continue;
            }

            replicaAt[a] = q;
            replicaAt[a + 1] = p;
            slotOf[p] = a + 1;
            slotOf[q] = a;
        }
    }

    private void BuildTables()
    {
        var offset = 0;
        for (var t = 0; t < slots; t++)
        {
            var length = AcceptanceTable.Length(ladder[t], run.Ising.Scale, run.Ising.MaxScaledField);
            AcceptanceTable.Fill(tables.AsSpan(offset, length), ladder[t], run.Ising.Scale);
            tableOffset[t] = offset;
            tableLast[t] = length - 1;
            offset += length;
        }
    }
}
