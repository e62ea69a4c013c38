using System.Diagnostics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// What every worker of one Sample call shares: the model, schedule, seed, start states and the call's
/// <see cref="SearchControl"/> (deadline, cancellation, target). Workers read it; only the flip counter is written here,
/// atomically.
/// </summary>
internal sealed class AnnealingRun
{
    private readonly sbyte[][]? initialSpins;
    private long flipAttempts;

    public AnnealingRun(
        IsingModel ising,
        ulong seed,
        double[] betas,
        SamplerOptions options,
        Vartype vartype,
        SearchControl control,
        long paceTicks = 0)
    {
        Ising = ising;
        PaceTicks = paceTicks;
        Seed = seed;
        Betas = betas;
        Tables = ising.IsIntegral ? new AcceptanceSchedule(betas, ising.Scale, ising.MaxScaledField) : null;
        Control = control;
        if (options.InitialStates is { Count: > 0 } states)
        {
            initialSpins = new sbyte[states.Count][];
            for (var r = 0; r < states.Count; r++)
            {
                initialSpins[r] = new sbyte[ising.VariableCount];
                IsingModel.ToSpins(states[r], vartype, initialSpins[r]);
            }
        }
    }

    public IsingModel Ising { get; }

    public ulong Seed { get; }

    public double[] Betas { get; }

    public AcceptanceSchedule? Tables { get; }

    /// <summary>Polled between sweeps (<see cref="SearchControl.ShouldStop()"/>) and told when a lane meets the target.</summary>
    public SearchControl Control { get; }

    /// <summary>
    /// Wall-clock length of one paced read in Stopwatch ticks, or 0 when each schedule step is one sweep. A paced read
    /// walks the β schedule by elapsed time instead of sweep count, so it sweeps as often as the machine allows and still
    /// reaches the cold end as its window (clipped to the deadline) closes.
    /// </summary>
    public long PaceTicks { get; }

    /// <summary>The window of a read starting at <paramref name="begin"/>: the pace, or what is left before the deadline.</summary>
    public long Window(long begin) => PaceTicks == 0 ? 0 : Math.Max(1, Math.Min(PaceTicks, Control.Deadline - begin));

    /// <summary>
    /// The schedule step after step <paramref name="t"/> of <paramref name="count"/>: the next one, or when paced the
    /// step the clock has reached within the window (the same step again while it has not moved; count once it closes).
    /// </summary>
    public int NextStep(int t, int count, long begin, long window)
    {
        if (window == 0)
        {
            return t + 1;
        }

        var elapsed = Stopwatch.GetTimestamp() - begin;
        return elapsed >= window ? count : Math.Max(t, (int)(elapsed * (double)count / window));
    }

    public long FlipAttempts => Interlocked.Read(ref flipAttempts);

    /// <summary>Called once per finished work item, so threads do not contend on the counter every sweep.</summary>
    public void AddFlipAttempts(long count) => Interlocked.Add(ref flipAttempts, count);

    /// <summary>The start state of a read: the user's (read mod count) or uniformly random from the read's stream.</summary>
    public void InitialState(long read, ref Xoshiro256 rng, Span<sbyte> spins)
    {
        if (initialSpins is not null)
        {
            initialSpins[(int)(read % initialSpins.Length)].CopyTo(spins);
            return;
        }

        for (var i = 0; i < spins.Length; i += 64)
        {
            var bits = rng.NextUInt64();
            var end = Math.Min(spins.Length, i + 64);
            for (var j = i; j < end; j++)
            {
                spins[j] = (sbyte)((int)((bits >> (j - i)) & 1) * 2 - 1);
            }
        }
    }
}

/// <summary>One worker's engine: runs <see cref="Lanes"/> consecutive reads at a time in its own reused buffers.</summary>
internal interface IAnnealer
{
    int Lanes { get; }

    /// <summary>Single-spin flip attempts one of <see cref="Run"/>'s sweeps makes over all lanes and replicas.</summary>
    long AttemptsPerSweep { get; }

    /// <summary>
    /// Anneals reads firstRead..firstRead+Lanes−1; returns the schedule steps completed (all of them unless stopped).
    /// Unpaced, a step is one sweep; paced (<see cref="AnnealingRun.PaceTicks"/>), <see cref="SweepsDone"/> counts them.
    /// </summary>
    int Run(long firstRead);

    /// <summary>Sweeps made on the current group since it began (by <see cref="Run"/> or in pieces).</summary>
    long SweepsDone { get; }

    /// <summary>The final (or, when stopped early, current) spins of one lane.</summary>
    void CopySpins(int lane, Span<sbyte> spins);

    /// <summary>Whether a lane stopped because it met the target energy.</summary>
    bool MetTarget(int lane);
}

/// <summary>
/// An annealer whose group of reads can be run in pieces, possibly by different threads one after the other: the
/// whole state (spins, fields, random streams, sweep index) lives in the instance, so <c>Begin</c> then
/// <c>Advance(a)</c> then <c>Advance(b)</c> gives exactly what <c>Run</c> gives for a + b sweeps.
/// </summary>
internal interface ISplittableAnnealer : IAnnealer
{
    /// <summary>Schedule steps done on the current group since <see cref="Begin"/> (one sweep each when unpaced).</summary>
    int StepsDone { get; }

    /// <summary>Sets up reads firstRead..firstRead+Lanes−1 at step 0.</summary>
    void Begin(long firstRead);

    /// <summary>Runs up to <paramref name="steps"/> more schedule steps; returns those done (fewer on a stop or a target met).</summary>
    int Advance(int steps);
}
