namespace QuantumPlanner.Cli.Operations.Leaks;

/// <summary>The trend of one figure after warm-up: growth per 1000 jobs (or per hour without load) against its limit.</summary>
internal sealed record MetricTrend(string Metric, string Unit, double? First, double? Last, double? Growth, string Per, double? RSquared, double Limit, string Status);

/// <summary>
/// Fits a least-squares line to each figure against the jobs done (or the hours passed when no load is driven) over the
/// samples after warm-up, and compares the slope with the limit: above it is a leak (✗). GC heap readings saw-tooth
/// between collections; the fit over many samples is what smooths that, so the check wants a dozen or more.
/// </summary>
internal static class LeakVerdict
{
    public const double Mebibyte = 1024 * 1024;

    public static IReadOnlyList<MetricTrend> Judge(IReadOnlyList<MemorySample> samples, int warmupJobs, double warmupSeconds, bool perJobs, LeakLimits limits)
    {
        var steady = samples.Where(s => perJobs ? s.Jobs >= warmupJobs : s.Seconds >= warmupSeconds).ToList();
        return
        [
            Trend("gc heap", "MiB", steady, s => s.GcHeapBytes / Mebibyte, perJobs, limits.HeapMiB),
            Trend("rss", "MiB", steady, s => s.RssBytes / Mebibyte, perJobs, limits.RssMiB),
            Trend("handles", "count", steady, s => s.Handles, perJobs, limits.Handles),
        ];
    }

    private static MetricTrend Trend(string metric, string unit, List<MemorySample> steady, Func<MemorySample, double?> value, bool perJobs, double limit)
    {
        var points = steady.Where(s => value(s) is not null).Select(s => (X: perJobs ? s.Jobs / 1000.0 : s.Seconds / 3600.0, Y: value(s)!.Value)).ToList();
        var per = perJobs ? "1000 jobs" : "hour";
        if (points.Count < 3)
        {
            return new MetricTrend(metric, unit, null, null, null, per, null, limit, "not measured");
        }

        var fit = Statistics.Fit(points.Select(p => p.X).ToList(), points.Select(p => p.Y).ToList());
        return new MetricTrend(metric, unit, Math.Round(points[0].Y, 2), Math.Round(points[^1].Y, 2), Math.Round(fit.Slope, 3), per, Math.Round(fit.RSquared, 3), limit,
            fit.Slope > limit ? "leak" : "ok");
    }
}

/// <summary>Largest acceptable growth per 1000 jobs (or per hour without load).</summary>
internal sealed record LeakLimits(double HeapMiB, double RssMiB, double Handles);
