using System.Globalization;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Operations;

namespace QuantumPlanner.Cli.Operations;

/// <summary>
/// The weekly performance report (the runbook's generate_performance_report.py) over the jobs created in a period:
/// per backend solve and queue-wait percentiles and outcome rates, jobs per day, plan gaps and the slowest jobs.
/// Solve time is claim to completion of completed jobs; queue wait is creation to (last) claim. Rates are over
/// finished jobs (completed + failed + cancelled); the fallback rate is over completed jobs. Backends are the ones
/// the jobs asked for (the slowest-jobs list names the one that answered).
/// </summary>
internal sealed record PerformanceReport(
    DateTimeOffset From,
    DateTimeOffset To,
    string Store,
    OutcomeTotals Totals,
    Percentiles SolveSeconds,
    Percentiles QueueWaitSeconds,
    IReadOnlyList<BackendPerformance> Backends,
    IReadOnlyList<DayPerformance> Days,
    IReadOnlyList<GapBucket> Gaps,
    IReadOnlyList<SlowJob> SlowestJobs)
{
    /// <summary>Upper bounds (in percent) of the gap buckets after "optimal" (gap 0).</summary>
    private static readonly (double UpTo, string Label)[] GapBounds = [(1, "0-1 %"), (5, "1-5 %"), (10, "5-10 %"), (double.PositiveInfinity, "> 10 %")];

    public static PerformanceReport Build(IReadOnlyList<JobHistoryRow> jobs, DateTimeOffset from, DateTimeOffset to, string store, int slowest = 10)
    {
        // By the backend asked for, so a fallback counts against the backend that fell back.
        var backends = jobs.GroupBy(j => j.BackendRequested, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new BackendPerformance(g.Key, OutcomeTotals.Of([.. g]), SolveOf(g), WaitOf(g)))
            .ToList();
        var days = new List<DayPerformance>();
        var byDay = jobs.ToLookup(j => Statistics.DayOf(j.CreatedAt));
        foreach (var day in Statistics.Days(from, to))
        {
            var dayJobs = byDay[day].ToList();
            days.Add(new DayPerformance(
                day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                dayJobs.Count(j => j.Status == JobStatus.Completed),
                dayJobs.Count(j => j.Status == JobStatus.Failed),
                dayJobs.Count(j => j.Status == JobStatus.Cancelled),
                dayJobs.Count(j => !j.Status.IsFinished()),
                SolveOf(dayJobs),
                WaitOf(dayJobs)));
        }

        return new PerformanceReport(
            from,
            to,
            store,
            OutcomeTotals.Of(jobs),
            SolveOf(jobs),
            WaitOf(jobs),
            backends,
            days,
            GapsOf(jobs),
            [.. jobs.Where(j => j.SolveTime is not null)
                .OrderByDescending(j => j.SolveTime).ThenBy(j => j.Id).Take(slowest)
                .Select(j => new SlowJob(j.Id, j.TenantId, j.Backend, j.SolveTime!.Value.TotalSeconds, j.CreatedAt))]);
    }

    private static Percentiles SolveOf(IEnumerable<JobHistoryRow> jobs) =>
        Statistics.Summarise(jobs.Where(j => j.SolveTime is not null).Select(j => j.SolveTime!.Value.TotalSeconds));

    private static Percentiles WaitOf(IEnumerable<JobHistoryRow> jobs) =>
        Statistics.Summarise(jobs.Where(j => j.QueueWait is not null).Select(j => j.QueueWait!.Value.TotalSeconds));

    private static List<GapBucket> GapsOf(IReadOnlyList<JobHistoryRow> jobs)
    {
        var completed = jobs.Where(j => j.Status == JobStatus.Completed).ToList();
        var buckets = new List<GapBucket> { new("optimal (0)", completed.Count(j => j.Gap is 0)) };
        var lower = 0.0;
        foreach (var (upTo, label) in GapBounds)
        {
            buckets.Add(new GapBucket(label, completed.Count(j => j.Gap is { } g && g > 0 && g * 100 > lower && g * 100 <= upTo)));
            lower = upTo;
        }

        buckets.Add(new GapBucket("no bound", completed.Count(j => j.Gap is null)));
        return buckets;
    }
}

/// <summary>Counts per outcome and the rates the runbook asks for.</summary>
internal sealed record OutcomeTotals(long Jobs, long Completed, long Failed, long Cancelled, long Pending, long Fallbacks)
{
    public long Finished => Completed + Failed + Cancelled;

    public double SuccessRate => Statistics.Ratio(Completed, Finished);

    public double FailureRate => Statistics.Ratio(Failed, Finished);

    public double CancelRate => Statistics.Ratio(Cancelled, Finished);

    public double FallbackRate => Statistics.Ratio(Fallbacks, Completed);

    public static OutcomeTotals Of(IReadOnlyCollection<JobHistoryRow> jobs) => new(
        jobs.Count,
        jobs.Count(j => j.Status == JobStatus.Completed),
        jobs.Count(j => j.Status == JobStatus.Failed),
        jobs.Count(j => j.Status == JobStatus.Cancelled),
        jobs.Count(j => !j.Status.IsFinished()),
        jobs.Count(j => j.IsFallback));
}

internal sealed record BackendPerformance(string Backend, OutcomeTotals Totals, Percentiles SolveSeconds, Percentiles QueueWaitSeconds);

internal sealed record DayPerformance(string Date, long Completed, long Failed, long Cancelled, long Pending, Percentiles SolveSeconds, Percentiles QueueWaitSeconds);

internal sealed record GapBucket(string Range, long Jobs);

internal sealed record SlowJob(Guid Id, string Tenant, string Backend, double SolveSeconds, DateTimeOffset CreatedAt);
