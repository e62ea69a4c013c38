namespace QuantumPlanner.DataSafety.Tests.Infrastructure;

/// <summary>A clock that reads the real time plus an offset the test sets (to age backups and jobs without waiting).</summary>
public sealed class SettableTime : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
