using System.Diagnostics;

namespace QuantumPlanner.Solvers.Sampling;

/// <summary>
/// What every worker of one sampler call shares: the clock, the deadline, cancellation, the target energy, the best
/// energy seen so far (for OnImprovement and time-to-best) and the reason to stop. Every sampler polls
/// <see cref="ShouldStop()"/> between sweeps or every few hundred moves, so it has to stay cheap: one volatile read,
/// the token's flag and at most one timestamp.
/// </summary>
internal sealed class SearchControl
{
    private const int Running = 0;
    private const int TargetMet = 1;
    private const int Aborted = 2;

    private readonly Lock gate = new();
    private readonly Action<double, TimeSpan>? onImprovement;
    private readonly CancellationToken cancellationToken;
    private readonly double? target;
    private int stop;
    private double bestEnergy = double.PositiveInfinity;
    private long bestTimestamp;

    public SearchControl(TimeSpan? timeLimit, double? targetEnergy, Action<double, TimeSpan>? onImprovement, CancellationToken cancellationToken)
    {
        StartTimestamp = Stopwatch.GetTimestamp();
        bestTimestamp = StartTimestamp;
        Deadline = timeLimit is { } limit ? StartTimestamp + (long)(limit.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        target = targetEnergy;
        this.onImprovement = onImprovement;
        this.cancellationToken = cancellationToken;
    }

    public long StartTimestamp { get; }

    /// <summary>Stopwatch timestamp at which the call's time limit runs out (long.MaxValue without one).</summary>
    public long Deadline { get; }

    public bool HasTarget => target is not null;

    public bool TargetReached => Volatile.Read(ref stop) == TargetMet;

    public bool Cancelled => cancellationToken.IsCancellationRequested;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(StartTimestamp);

    public TimeSpan TimeToBest
    {
        get
        {
            lock (gate)
            {
                return Stopwatch.GetElapsedTime(StartTimestamp, bestTimestamp);
            }
        }
    }

    /// <summary>True once the call must end: cancelled, target reached, a worker failed, or past the call's deadline.</summary>
    public bool ShouldStop() => ShouldStop(Deadline);

    /// <summary>As <see cref="ShouldStop()"/> with an earlier deadline of the caller's own (a stage or a read's slice).</summary>
    public bool ShouldStop(long deadline) =>
        Volatile.Read(ref stop) != Running || cancellationToken.IsCancellationRequested || (deadline != long.MaxValue && Stopwatch.GetTimestamp() >= deadline);

    /// <summary>True when <paramref name="energy"/> meets the target energy (with a rounding allowance for double sums).</summary>
    public bool MeetsTarget(double energy) =>
        target is { } t && energy <= t + (1e-9 * Math.Max(1.0, Math.Abs(t)));

    /// <summary>A worker met the target energy: every other worker stops at its next poll.</summary>
    public void SignalTarget() => Interlocked.CompareExchange(ref stop, TargetMet, Running);

    /// <summary>A worker failed: the others stop at their next poll and the scheduler rethrows the failure.</summary>
    public void Abort() => Interlocked.Exchange(ref stop, Aborted);

    /// <summary>A read found a new best of its own; updates the call's best, fires OnImprovement, checks the target.</summary>
    public void Report(double energy)
    {
        var improved = false;
        TimeSpan elapsed = default;
        lock (gate)
        {
            if (energy < bestEnergy)
            {
                bestEnergy = energy;
                bestTimestamp = Stopwatch.GetTimestamp();
                elapsed = Stopwatch.GetElapsedTime(StartTimestamp, bestTimestamp);
                improved = true;
            }
        }

        if (MeetsTarget(energy))
        {
            SignalTarget();
        }

        if (improved)
        {
            onImprovement?.Invoke(energy, elapsed);
        }
    }
}
