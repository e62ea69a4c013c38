using System.Globalization;

namespace QuantumPlanner.Cli;

/// <summary>
/// The one reading of durations in flags such as <c>--since 24h</c>, <c>--older-than 90d</c> or <c>--period 7d</c>:
/// a whole number followed by s, m, h, d or w.
/// </summary>
internal static class DurationText
{
    public static TimeSpan Parse(string text, string option)
    {
        if (TryParse(text, out var duration))
        {
            return duration;
        }

        throw new UserInputException($"{option} '{text}' is not a duration. Use a whole number and a unit (s, m, h, d, w). Maybe {option} 24h or {option} 90d.");
    }

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length < 2)
        {
            return false;
        }

        var trimmed = text.Trim();
        if (!long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount < 0)
        {
            return false;
        }

        double? seconds = char.ToLowerInvariant(trimmed[^1]) switch
        {
            's' => amount,
            'm' => amount * 60.0,
            'h' => amount * 3600.0,
            'd' => amount * 86400.0,
            'w' => amount * 604800.0,
            _ => null,
        };
        if (seconds is not { } value || value > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value);
        return true;
    }

    /// <summary>"90d", "36h", "15m" or "12s": the largest whole unit, for tables and messages.</summary>
    public static string Format(TimeSpan duration) =>
        duration.TotalDays >= 1 && duration.Ticks % TimeSpan.TicksPerDay == 0 ? $"{(long)duration.TotalDays}d"
        : duration.TotalHours >= 1 && duration.Ticks % TimeSpan.TicksPerHour == 0 ? $"{(long)duration.TotalHours}h"
        : duration.TotalMinutes >= 1 && duration.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{(long)duration.TotalMinutes}m"
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###}s");
}
