namespace QuantumPlanner.Storage.Internal;

/// <summary>
/// Both databases keep microseconds (PostgreSQL timestamptz natively, SQLite as an integer), so every
/// timestamp is truncated to microseconds before it is written; otherwise a cursor made from a .NET
/// value (100 ns ticks) would not equal the stored value and keyset pages would skip or repeat rows.
/// </summary>
internal static class Microseconds
{
    private const long TicksPerMicrosecond = 10;

    public static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TicksPerMicrosecond), TimeSpan.Zero);
    }

    public static long SinceEpoch(DateTimeOffset value) =>
        (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    public static long Of(TimeSpan duration) => duration.Ticks / TicksPerMicrosecond;

    /// <summary>True when <see cref="ToTime"/> can represent the value (DateTimeOffset spans years 1 to 9999).</summary>
    public static bool IsRepresentable(long microseconds) =>
        microseconds >= SinceEpoch(DateTimeOffset.MinValue) && microseconds <= SinceEpoch(DateTimeOffset.MaxValue);

    public static DateTimeOffset ToTime(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (microseconds * TicksPerMicrosecond), TimeSpan.Zero);
}
