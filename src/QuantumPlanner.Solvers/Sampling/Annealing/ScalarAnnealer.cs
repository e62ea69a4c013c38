using System.Runtime.CompilerServices;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// One read at a time in doubles with exp() per uphill move, as D-Wave's SA does. It serves models whose biases are
/// not (scaled) integers and is the baseline the faster kernels are measured against.
/// </summary>
internal sealed class ScalarAnnealer : IAnnealer
{
    // exp(−44.37) < 2^−64: D-Wave skips the draw for moves at least this improbable.
    private const double SkipExponent = 44.37;

    private readonly AnnealingRun run;
    private readonly double[] field;
    private readonly sbyte[] spins;
    private bool metTarget;

    public ScalarAnnealer(AnnealingRun run)
    {
        this.run = run;
        field = new double[run.Ising.VariableCount];
        spins = new sbyte[run.Ising.VariableCount];
    }

    public long AttemptsPerSweep => run.Ising.VariableCount;

    public int Lanes => 1;

    public int Run(long firstRead)
    {
        var ising = run.Ising;
        var rng = Xoshiro256.ForStream(run.Seed, firstRead);
        run.InitialState(firstRead, ref rng, spins);
        InitFields(ising, spins, field);
        var energy = ising.Energy(spins);
        metTarget = false;
        var betas = run.Betas;
        var count = betas.Length;
        var begin = System.Diagnostics.Stopwatch.GetTimestamp();
        var window = run.Window(begin);
        long sweeps = 0;
        for (var t = 0; t < count;)
        {
            energy += Sweep(ising, field, spins, betas[t], ref rng);
            sweeps++;
            if (run.Control.HasTarget && run.Control.MeetsTarget(energy))
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

    internal static void InitFields(IsingModel ising, ReadOnlySpan<sbyte> spins, Span<double> field)
    {
        for (var i = 0; i < ising.VariableCount; i++)
        {
            var f = ising.Linear[i];
            for (var k = ising.RowStart[i]; k < ising.RowStart[i + 1]; k++)
            {
                f += ising.Weights[k] * spins[ising.Neighbors[k]];
            }

            field[i] = f;
        }
    }

    /// <summary>One sequential sweep; returns the energy change.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Sweep(IsingModel ising, double[] field, sbyte[] spins, double beta, ref Xoshiro256 random)
    {
        var rng = random;
        var rowStart = ising.RowStart;
        var neighbors = ising.Neighbors;
        var weights = ising.Weights;
        var threshold = SkipExponent / beta;
        var change = 0.0;
        for (var i = 0; i < spins.Length; i++)
        {
            var s = spins[i];
            var delta = -2.0 * s * field[i];
            if (delta > 0 && (delta >= threshold || rng.NextDouble() >= Math.Exp(-beta * delta)))
            {
                continue;
            }

            spins[i] = (sbyte)-s;
            change += delta;
            var twoS = 2.0 * s;
            for (var k = rowStart[i]; k < rowStart[i + 1]; k++)
            {
                field[neighbors[k]] -= twoS * weights[k];
            }
        }

        random = rng;
        return change;
    }
}
