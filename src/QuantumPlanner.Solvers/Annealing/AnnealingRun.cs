using System.Diagnostics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Annealing;

/// <summary>
/// What every worker of one Sample call shares: the model, schedule, seed, start states and the reasons to stop.
/// Workers read it; only the stop flag and the flip counter are written, both atomically.
/// </summary>
internal sealed class AnnealingRun
{
    private readonly sbyte[][]? initialSpins;
    private readonly long deadline;
    private volatile bool targetReached;
    private long flipAttempts;

    public AnnealingRun(
        IsingModel ising,
        ulong seed,
        double[] betas,
        SamplerOptions options,
        Vartype vartype,
        long deadline,
        CancellationToken token)
    {
        Ising = ising;
        Seed = seed;
        Betas = betas;
        Tables = ising.IsIntegral ? new AcceptanceSchedule(betas, ising.Scale, ising.MaxScaledField) : null;
        Target = options.TargetEnergy;
        this.deadline = deadline;
        Token = token;
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

    public double? Target { get; }

    public CancellationToken Token { get; }

    public long FlipAttempts => Interlocked.Read(ref flipAttempts);

    public bool TargetReached => targetReached;

    /// <summary>Checked between sweeps: a volatile read, a token read and at most one timestamp.</summary>
    public bool StopRequested =>
        targetReached || Token.IsCancellationRequested || (deadline != long.MaxValue && Stopwatch.GetTimestamp() >= deadline);

    public void SignalTarget() => targetReached = true;

    /// <summary>Called once per finished work item, so threads do not contend on the counter every sweep.</summary>
    public void AddFlipAttempts(long count) => Interlocked.Add(ref flipAttempts, count);

    /// <summary>True when a spin-domain energy meets the target (with a rounding allowance for double sums).</summary>
    public bool MeetsTarget(double energy) => Target is { } target && energy <= target + (1e-9 * Math.Max(1.0, Math.Abs(target)));

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

    /// <summary>Anneals reads firstRead..firstRead+Lanes−1; returns the sweeps completed (all of them unless stopped).</summary>
    int Run(long firstRead);

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
    /// <summary>Sweeps done on the current group since <see cref="Begin"/>.</summary>
    int SweepsDone { get; }

    /// <summary>Sets up reads firstRead..firstRead+Lanes−1 at sweep 0.</summary>
    void Begin(long firstRead);

    /// <summary>Runs up to <paramref name="sweeps"/> more sweeps; returns those done (fewer on a stop or a target met).</summary>
    int Advance(int sweeps);
}
