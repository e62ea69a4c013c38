using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// One parallel-tempering run. Slot t holds inverse temperature ladder[t] (hot to cold) and whichever replica
/// currently sits there; an exchange swaps the replicas' buffers, never their contents.
/// </summary>
internal sealed class TemperingAnnealer : IAnnealer
{
    private readonly AnnealingRun run;
    private readonly TemperingReport report;
    private readonly int sweeps;
    private readonly int slots;
    private readonly double[] ladder;
    private readonly sbyte[][] spins;
    private readonly int[][] intFields;
    private readonly double[][] doubleFields;
    private readonly int[][] tables;
    private readonly int[] tableLength;
    private readonly double[] energy;
    private readonly long[] attempts;
    private readonly double[] accepted;
    private readonly sbyte[] best;
    private double bestEnergy;
    private bool metTarget;

    public TemperingAnnealer(AnnealingRun run, int sweeps, TemperingReport report)
    {
        this.run = run;
        this.report = report;
        this.sweeps = sweeps;
        var n = run.Ising.VariableCount;
        slots = run.Betas.Length;
        ladder = new double[slots];
        spins = new sbyte[slots][];
        intFields = new int[slots][];
        doubleFields = new double[slots][];
        tables = new int[slots][];
        tableLength = new int[slots];
        energy = new double[slots];
        attempts = new long[slots - 1];
        accepted = new double[slots - 1];
        best = new sbyte[n];
        for (var t = 0; t < slots; t++)
        {
            spins[t] = new sbyte[n];
            if (run.Ising.IsIntegral)
            {
                intFields[t] = new int[n];
                tables[t] = new int[run.Ising.MaxScaledField + 2];
                doubleFields[t] = [];
            }
            else
            {
                doubleFields[t] = new double[n];
                intFields[t] = [];
                tables[t] = [];
            }
        }
    }

    public long AttemptsPerSweep => (long)run.Ising.VariableCount * slots;

    public int Lanes => 1;

    public long SweepsDone { get; private set; }

    public int Run(long firstRead)
    {
        var done = Anneal(firstRead);
        SweepsDone = done;
        if (firstRead == 0)
        {
            // Read 0's ladder and swap rates after tuning describe the run in Info, whatever thread ran it.
            report.Ladder = [.. ladder];
            report.SwapRates = TemperingLadder.Rates(attempts, accepted);
        }

        return done;
    }

    private int Anneal(long firstRead)
    {
        var ising = run.Ising;
        var rng = Xoshiro256.ForStream(run.Seed, firstRead);
        run.Betas.CopyTo(ladder, 0);
        Array.Clear(attempts);
        Array.Clear(accepted);
        BuildTables();
        bestEnergy = double.PositiveInfinity;
        metTarget = false;
        for (var t = 0; t < slots; t++)
        {
            // Every replica starts from the read's given state, or else from successive random draws of its stream.
            run.InitialState(firstRead, ref rng, spins[t]);
            if (ising.IsIntegral)
            {
                TableAnnealer.InitFields(ising, spins[t], intFields[t]);
            }
            else
            {
                ScalarAnnealer.InitFields(ising, spins[t], doubleFields[t]);
            }

            energy[t] = ising.Energy(spins[t]);
            RecordBest(t);
        }

        var adaptSweeps = sweeps / 4;
        var window = Math.Max(10, adaptSweeps / TemperingLadder.Windows);
        for (var sweep = 0; sweep < sweeps; sweep++)
        {
            for (var t = 0; t < slots; t++)
            {
                if (ising.IsIntegral)
                {
                    var x = TableAnnealer.Sweep(ising, intFields[t], spins[t], tables[t].AsSpan(0, tableLength[t]), ref rng);
                    energy[t] += 2.0 * x / ising.Scale;
                }
                else
                {
                    energy[t] += ScalarAnnealer.Sweep(ising, doubleFields[t], spins[t], ladder[t], ref rng);
                }

                if (energy[t] < bestEnergy)
                {
                    RecordBest(t);
                }
            }

            Exchange(sweep, ref rng);
            if (run.Control.HasTarget && run.Control.MeetsTarget(bestEnergy))
            {
                metTarget = true;
                run.Control.SignalTarget();
                return sweep + 1;
            }

            if (sweep < adaptSweeps && (sweep + 1) % window == 0)
            {
                Respace();
            }

            if (run.Control.ShouldStop())
            {
                return sweep + 1;
            }
        }

        return sweeps;
    }

    public void CopySpins(int lane, Span<sbyte> target) => best.CopyTo(target);

    public bool MetTarget(int lane) => metTarget;

    private void RecordBest(int slot)
    {
        bestEnergy = energy[slot];
        spins[slot].CopyTo(best, 0);
    }

    /// <summary>
    /// Even pairs on even sweeps, odd pairs on odd ones, each accepted with min(1, e^{(β_a−β_b)(E_a−E_b)}). The rates
    /// average that probability rather than counting outcomes, which halves the noise the ladder feedback sees.
    /// </summary>
    private void Exchange(int sweep, ref Xoshiro256 rng)
    {
        for (var a = sweep & 1; a + 1 < slots; a += 2)
        {
            var b = a + 1;
            attempts[a]++;
            var exponent = (ladder[a] - ladder[b]) * (energy[a] - energy[b]);
            var probability = exponent >= 0 ? 1.0 : Math.Exp(exponent);
            accepted[a] += probability;
            if (probability < 1.0 && rng.NextDouble() >= probability)
            {
                continue;
            }

            (spins[a], spins[b]) = (spins[b], spins[a]);
            (intFields[a], intFields[b]) = (intFields[b], intFields[a]);
            (doubleFields[a], doubleFields[b]) = (doubleFields[b], doubleFields[a]);
            (energy[a], energy[b]) = (energy[b], energy[a]);
        }
    }

    private void Respace()
    {
        TemperingLadder.Respace(ladder, attempts, accepted);
        BuildTables();
    }

    private void BuildTables()
    {
        if (!run.Ising.IsIntegral)
        {
            return;
        }

        for (var t = 0; t < slots; t++)
        {
            tableLength[t] = AcceptanceTable.Length(ladder[t], run.Ising.Scale, run.Ising.MaxScaledField);
            AcceptanceTable.Fill(tables[t].AsSpan(0, tableLength[t]), ladder[t], run.Ising.Scale);
        }
    }
}

/// <summary>The tuned ladder and the swap acceptance per neighbouring pair measured after tuning, from read 0.</summary>
internal sealed class TemperingReport
{
    public double[] Ladder { get; set; } = [];

    public double[] SwapRates { get; set; } = [];
}

/// <summary>The ladder feedback shared by both tempering engines.</summary>
internal static class TemperingLadder
{
    /// <summary>Re-spacing rounds during the first quarter of the sweeps.</summary>
    internal const int Windows = 16;

    // A pair swapping 0.5 more often than the mean widens its gap by e^1 per window.
    private const double Gain = 2.0;

    /// <summary>
    /// Feedback step towards equal swap rates with the ends fixed: each gap in log β grows by e^{Gain·(rate − mean)}
    /// (pairs that swap too easily are too close), then all gaps are rescaled to the same total span. Clears the counts.
    /// </summary>
    public static void Respace(double[] ladder, long[] attempts, double[] accepted)
    {
        var slots = ladder.Length;
        Span<double> width = stackalloc double[slots - 1];
        var mean = 0.0;
        for (var a = 0; a < slots - 1; a++)
        {
            width[a] = attempts[a] == 0 ? 0.5 : accepted[a] / attempts[a];
            mean += width[a];
        }

        mean /= slots - 1;
        var total = 0.0;
        for (var a = 0; a < slots - 1; a++)
        {
            width[a] = Math.Log(ladder[a + 1] / ladder[a]) * Math.Exp(Gain * (width[a] - mean));
            total += width[a];
            attempts[a] = 0;
            accepted[a] = 0;
        }

        var span = Math.Log(ladder[^1] / ladder[0]);
        if (total <= 0 || span <= 0)
        {
            return;
        }

        var logBeta = Math.Log(ladder[0]);
        for (var a = 0; a < slots - 2; a++)
        {
            logBeta += width[a] * span / total;
            ladder[a + 1] = Math.Exp(logBeta);
        }
    }

    /// <summary>Swap rates per neighbouring pair, rounded for reporting.</summary>
    public static double[] Rates(long[] attempts, double[] accepted)
    {
        var rates = new double[attempts.Length];
        for (var a = 0; a < rates.Length; a++)
        {
            rates[a] = attempts[a] == 0 ? 0 : Math.Round(accepted[a] / attempts[a], 3);
        }

        return rates;
    }
}
