namespace QuantumPlanner.Cli.Operations;

/// <summary>Percentiles with count and max, in seconds; all null when there is no sample.</summary>
internal sealed record Percentiles(int Count, double? P50, double? P95, double? P99, double? Max)
{
    public static readonly Percentiles None = new(0, null, null, null, null);
}

/// <summary>y = Intercept + Slope·x by least squares, with R² (1 when every y is equal).</summary>
internal readonly record struct LinearFit(double Slope, double Intercept, double RSquared)
{
    public double At(double x) => Intercept + (Slope * x);
}

/// <summary>The few statistics the ops reports use, each defined once.</summary>
internal static class Statistics
{
    /// <summary>
    /// The p-quantile (0..1) of ascending <paramref name="sorted"/> by linear interpolation between closest ranks:
    /// PostgreSQL's percentile_cont, so a report can be checked against SQL.
    /// </summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        var position = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    public static Percentiles Summarise(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? Percentiles.None
            : new Percentiles(sorted.Length, Quantile(sorted, 0.50), Quantile(sorted, 0.95), Quantile(sorted, 0.99), sorted[^1]);
    }

    public static LinearFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var n = x.Count;
        if (n == 0)
        {
            return new LinearFit(0, 0, 0);
        }

        double meanX = x.Average(), meanY = y.Average(), sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            sxx += (x[i] - meanX) * (x[i] - meanX);
            sxy += (x[i] - meanX) * (y[i] - meanY);
            syy += (y[i] - meanY) * (y[i] - meanY);
        }

        var slope = sxx == 0 ? 0 : sxy / sxx;
        var rSquared = syy == 0 ? 1 : sxx == 0 ? 0 : sxy * sxy / (sxx * syy);
        return new LinearFit(slope, meanY - (slope * meanX), rSquared);
    }

    /// <summary>part / whole, 0 when whole is 0.</summary>
    public static double Ratio(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    /// <summary>Every UTC day from the day of <paramref name="from"/> to the day of <paramref name="to"/>, inclusive.</summary>
    public static IReadOnlyList<DateOnly> Days(DateTimeOffset from, DateTimeOffset to)
    {
        var days = new List<DateOnly>();
        for (var day = DateOnly.FromDateTime(from.UtcDateTime); day <= DateOnly.FromDateTime(to.UtcDateTime); day = day.AddDays(1))
        {
            days.Add(day);
        }

        return days;
    }

    public static DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);
}
