using System.Diagnostics;

namespace QuantumPlanner.Solvers.Sampling;

/// <summary>
/// What every read of one sampler call shares: the clock, the deadline, cancellation, the target energy and the
/// best energy seen so far (for OnImprovement and time-to-best). Reads poll <see cref="ShouldStop"/> every few hundred
/// moves, so it has to stay cheap: two volatile reads and one timestamp.
/// </summary>
internal sealed class SearchControl
{
    private readonly Lock gate = new();
    private readonly Action<double, TimeSpan>? onImprovement;
    private readonly CancellationToken cancellationToken;
    private readonly double? target;
    private volatile bool targetReached;
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

    public bool TargetReached => targetReached;

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

    /// <summary>True once the call must end: cancelled, target reached by any read, or past <paramref name="deadline"/>.</summary>
    public bool ShouldStop(long deadline) =>
        targetReached || cancellationToken.IsCancellationRequested || (deadline != long.MaxValue && Stopwatch.GetTimestamp() >= deadline);

    /// <summary>True when <paramref name="energy"/> meets the target energy (with a rounding allowance).</summary>
    public bool MeetsTarget(double energy) =>
        target is { } t && energy <= t + (1e-9 * Math.Max(1.0, Math.Abs(t)));

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
            targetReached = true;
        }

        if (improved)
        {
            onImprovement?.Invoke(energy, elapsed);
        }
    }
}
