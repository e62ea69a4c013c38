using System.Globalization;
using System.Text.RegularExpressions;
using QuantumPlanner.Storage.Operations;

namespace QuantumPlanner.Cli.Operations;

/// <summary>
/// The monthly capacity analysis (the runbook's capacity_analysis.py --lookback=30d): daily volume with a linear growth
/// fit, table and index sizes, free disk and days until full, worker utilisation (busy ÷ available slot time), the
/// queue-wait trend and a replica recommendation inside the HPA's bounds.
/// </summary>
internal sealed record CapacityReport(
    DateTimeOffset From,
    DateTimeOffset To,
    string Store,
    VolumeTrend Volume,
    IReadOnlyList<DayCapacity> Days,
    IReadOnlyList<RelationSize> Relations,
    DiskForecast? Disk,
    string? DiskNote,
    WorkerUtilisation Utilisation,
    QueueTrend QueueWait,
    ReplicaRecommendation Replicas)
{
    /// <summary>Utilisation the recommendation sizes for: the HPA's CPU target (deploy/k8s/hpa.yaml).</summary>
    public const double TargetUtilisation = 0.70;

    public static CapacityReport Build(CapacityInputs inputs)
    {
        var (jobs, from, to) = (inputs.Jobs, inputs.From, inputs.To);
        var dayList = Statistics.Days(from, to);
        var byDay = jobs.ToLookup(j => Statistics.DayOf(j.CreatedAt));
        var days = new List<DayCapacity>();
        foreach (var day in dayList)
        {
            var dayJobs = byDay[day].ToList();
            days.Add(new DayCapacity(
                day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                dayJobs.Count,
                dayJobs.Sum(j => BusySeconds(j)),
                Statistics.Summarise(dayJobs.Where(j => j.QueueWait is not null).Select(j => j.QueueWait!.Value.TotalSeconds)).P95));
        }

        var x = days.Select((_, i) => (double)i).ToList();
        var fit = Statistics.Fit(x, [.. days.Select(d => (double)d.Jobs)]);
        var mean = days.Count == 0 ? 0 : days.Average(d => d.Jobs);
        var projected = Math.Max(0, fit.At(days.Count - 1 + 30));
        var current = Math.Max(0, fit.At(days.Count - 1));
        var volume = new VolumeTrend(jobs.Count, mean, fit.Slope, fit.Intercept, fit.RSquared, current, projected, current > 0 ? (projected - current) / current * 100 : null);

        var waitDays = days.Select((d, i) => (i, d.QueueWaitP95Seconds)).Where(p => p.QueueWaitP95Seconds is not null).ToList();
        var waitFit = Statistics.Fit([.. waitDays.Select(p => (double)p.i)], [.. waitDays.Select(p => p.QueueWaitP95Seconds!.Value)]);
        var queue = new QueueTrend(waitFit.Slope, Statistics.Summarise(jobs.Where(j => j.QueueWait is not null).Select(j => j.QueueWait!.Value.TotalSeconds)));

        var slots = inputs.Replicas * inputs.WorkersPerReplica;
        var windowSeconds = (to - from).TotalSeconds;
        var busy = days.Sum(d => d.BusySeconds);
        var peak = days.Count == 0 ? 0 : days.Max(d => d.BusySeconds) / (slots * 86400.0);
        var utilisation = new WorkerUtilisation(slots, inputs.Replicas, inputs.WorkersPerReplica, busy, slots * windowSeconds, slots * windowSeconds > 0 ? busy / (slots * windowSeconds) : 0, peak);

        DiskForecast? disk = null;
        string? note = inputs.DiskNote;
        if (inputs.Disk is { } d)
        {
            var rows = inputs.Relations.Where(r => r.Name == "optimization_jobs").Sum(r => r.Rows ?? 0);
            var jobBytes = inputs.Relations.Where(r => r.Name == "optimization_jobs" || r.Table == "optimization_jobs").Sum(r => r.Bytes);
            // Without per-table sizes (SQLite builds without dbstat) the whole file stands for the jobs table.
            var perJob = rows > 0 ? (double)(jobBytes > 0 ? jobBytes : inputs.DatabaseBytes) / rows : 0;
            var perDay = perJob * projected;
            disk = new DiskForecast(d.Directory, d.TotalBytes, d.FreeBytes, d.UsedPercent, inputs.DatabaseBytes, perJob, perDay, perDay > 0 ? d.FreeBytes / perDay : null);
        }

        return new CapacityReport(from, to, inputs.Store, volume, days, inputs.Relations, disk, note, utilisation, queue, Recommend(inputs, peak));
    }

    /// <summary>Busy slot time of one job inside the window: claim to finish (running jobs: claim to now is not known, so none).</summary>
    private static double BusySeconds(JobHistoryRow job) =>
        job.StartedAt is { } s && job.CompletedAt is { } c && c > s ? (c - s).TotalSeconds : 0;

    private static ReplicaRecommendation Recommend(CapacityInputs inputs, double peakUtilisation)
    {
        var needed = (int)Math.Ceiling(inputs.Replicas * peakUtilisation / TargetUtilisation);
        var recommended = Math.Clamp(needed, inputs.Bounds.Min, inputs.Bounds.Max);
        var reason = needed > inputs.Bounds.Max
            ? $"The busiest day needs {needed} replicas at {TargetUtilisation:P0} utilisation, above the HPA's maxReplicas {inputs.Bounds.Max}. Maybe raise maxReplicas in {inputs.Bounds.Source} or add worker replicas."
            : needed < inputs.Bounds.Min
                ? $"The busiest day needs {Math.Max(needed, 0)} replica(s); the HPA keeps at least minReplicas {inputs.Bounds.Min} ({inputs.Bounds.Source})."
                : $"The busiest day needs {needed} replica(s) at {TargetUtilisation:P0} utilisation, inside the HPA's bounds {inputs.Bounds.Min}..{inputs.Bounds.Max}.";
        return new ReplicaRecommendation(inputs.Bounds.Min, inputs.Bounds.Max, inputs.Replicas, recommended, reason);
    }
}

/// <summary>What the capacity report is computed from; gathered by the command, so the arithmetic is testable alone.</summary>
internal sealed record CapacityInputs(
    IReadOnlyList<JobHistoryRow> Jobs,
    DateTimeOffset From,
    DateTimeOffset To,
    string Store,
    IReadOnlyList<RelationSize> Relations,
    long DatabaseBytes,
    DiskUsage? Disk,
    string? DiskNote,
    int Replicas,
    int WorkersPerReplica,
    HpaBounds Bounds);

internal sealed record VolumeTrend(long Jobs, double MeanPerDay, double SlopePerDay, double Intercept, double RSquared, double FittedPerDayNow, double ProjectedPerDayIn30Days, double? GrowthPercentPer30Days);

internal sealed record DayCapacity(string Date, long Jobs, double BusySeconds, double? QueueWaitP95Seconds);

internal sealed record DiskForecast(string Directory, long TotalBytes, long FreeBytes, double UsedPercent, long DatabaseBytes, double BytesPerJob, double ProjectedBytesPerDay, double? DaysUntilFull);

internal sealed record WorkerUtilisation(int Slots, int Replicas, int WorkersPerReplica, double BusySeconds, double AvailableSeconds, double Utilisation, double PeakDayUtilisation);

internal sealed record QueueTrend(double P95SlopeSecondsPerDay, Percentiles Overall);

internal sealed record ReplicaRecommendation(int MinReplicas, int MaxReplicas, int CurrentReplicas, int Recommended, string Reason);

/// <summary>Size and free space of the file system holding a directory.</summary>
internal sealed record DiskUsage(string Directory, long TotalBytes, long FreeBytes)
{
    public double UsedPercent => TotalBytes == 0 ? 0 : (TotalBytes - FreeBytes) * 100.0 / TotalBytes;

    /// <summary>statvfs of the file system that holds <paramref name="directory"/>.</summary>
    public static DiskUsage Of(string directory)
    {
        var drive = new DriveInfo(Path.GetFullPath(directory));
        return new DiskUsage(directory, drive.TotalSize, drive.AvailableFreeSpace);
    }
}

/// <summary>minReplicas and maxReplicas of the HorizontalPodAutoscaler, read from its manifest.</summary>
internal sealed partial record HpaBounds(int Min, int Max, string Source)
{
    /// <summary>DESIGN.md §7's bounds, used when the manifest is not at hand.</summary>
    public static readonly HpaBounds Design = new(2, 10, "DESIGN.md §7 (no hpa.yaml found)");

    public static HpaBounds Read(string path)
    {
        if (!File.Exists(path))
        {
            return Design;
        }

        var text = File.ReadAllText(path);
        var min = MinReplicas().Match(text);
        var max = MaxReplicas().Match(text);
        return min.Success && max.Success
            ? new HpaBounds(int.Parse(min.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(max.Groups[1].Value, CultureInfo.InvariantCulture), path)
            : throw new UserInputException($"'{path}' has no minReplicas/maxReplicas. Maybe --hpa deploy/k8s/hpa.yaml.");
    }

    [GeneratedRegex(@"^\s*minReplicas:\s*(\d+)", RegexOptions.Multiline)]
    private static partial Regex MinReplicas();

    [GeneratedRegex(@"^\s*maxReplicas:\s*(\d+)", RegexOptions.Multiline)]
    private static partial Regex MaxReplicas();
}
