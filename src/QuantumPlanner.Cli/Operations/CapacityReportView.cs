using System.Globalization;
using Spectre.Console;
using static QuantumPlanner.Cli.Operations.PerformanceReportView;

namespace QuantumPlanner.Cli.Operations;

/// <summary>The capacity report as terminal tables and as an HTML page with charts.</summary>
internal static class CapacityReportView
{
    public static void WriteTables(IAnsiConsole console, CapacityReport report)
    {
        var v = report.Volume;
        console.MarkupLine($"Capacity {report.From:yyyy-MM-dd} .. {report.To:yyyy-MM-dd} UTC ({report.Store}): {v.Jobs} jobs, {F(v.MeanPerDay)}/day, trend {F(v.SlopePerDay)} jobs/day per day (R² {F(v.RSquared)}), " +
            $"projected {F(v.ProjectedPerDayIn30Days)}/day in 30 days{(v.GrowthPercentPer30Days is { } g ? $" ({F(g)} %)" : string.Empty)}");
        var u = report.Utilisation;
        console.MarkupLine($"Worker utilisation: {Percent(u.Utilisation)} of {u.Slots} slot(s) ({u.Replicas} replica(s) × {u.WorkersPerReplica} worker(s)); busiest day {Percent(u.PeakDayUtilisation)}");
        console.MarkupLine($"Queue wait: p95 trend {F(report.QueueWait.P95SlopeSecondsPerDay)} s/day; overall p50 {S(report.QueueWait.Overall.P50)} s, p95 {S(report.QueueWait.Overall.P95)} s");
        if (report.Disk is { } d)
        {
            console.MarkupLine($"Disk {Markup.Escape(d.Directory)}: {F(d.UsedPercent)} % used, {Bytes(d.FreeBytes)} free; database {Bytes(d.DatabaseBytes)}, {F(d.BytesPerJob)} B/job, " +
                $"{Bytes((long)d.ProjectedBytesPerDay)}/day → {(d.DaysUntilFull is { } left ? F(left) + " days until full" : "not growing")}");
        }
        else
        {
            console.MarkupLine($"Disk: {Markup.Escape(report.DiskNote ?? "unknown")}");
        }

        console.MarkupLine($"Replicas: {report.Replicas.Recommended} recommended (HPA {report.Replicas.MinReplicas}..{report.Replicas.MaxReplicas}, now {report.Replicas.CurrentReplicas}). {Markup.Escape(report.Replicas.Reason)}");
        var sizes = new Table().AddColumns("relation", "kind", "table", "bytes", "rows");
        foreach (var r in report.Relations)
        {
            sizes.AddRow(Markup.Escape(r.Name), r.Kind, Markup.Escape(r.Table ?? string.Empty), N(r.Bytes), r.Rows is { } rows ? N(rows) : string.Empty);
        }

        console.Write(sizes);
        var days = new Table().AddColumns("day", "jobs", "busy s", "wait p95 s");
        foreach (var day in report.Days)
        {
            days.AddRow(day.Date, N(day.Jobs), F(day.BusySeconds), S(day.QueueWaitP95Seconds));
        }

        console.Write(days);
    }

    public static string Html(CapacityReport report)
    {
        var v = report.Volume;
        var dates = report.Days.Select(d => d.Date).ToList();
        var fitted = report.Days.Select((_, i) => (double?)Math.Max(0, v.Intercept + (v.SlopePerDay * i))).ToList();
        var page = new HtmlReport("QuantumPlanner capacity report", $"{report.From:yyyy-MM-dd} to {report.To:yyyy-MM-dd} UTC, {report.Store} store");
        page.Section("Summary", HtmlReport.Table(
            ["jobs", "per day", "trend (jobs/day²)", "R²", "in 30 days (per day)", "utilisation", "busiest day", "replicas recommended"],
            [[N(v.Jobs), F(v.MeanPerDay), F(v.SlopePerDay), F(v.RSquared), F(v.ProjectedPerDayIn30Days), Percent(report.Utilisation.Utilisation), Percent(report.Utilisation.PeakDayUtilisation), $"{report.Replicas.Recommended} ({report.Replicas.MinReplicas}..{report.Replicas.MaxReplicas})"]])
            + HtmlReport.Paragraph(report.Replicas.Reason));
        page.Section("Daily volume and growth fit", SvgChart.StackedBars("daily-volume", "Jobs per day", "jobs", dates,
            [new ChartSeries("jobs", "#1565c0", [.. report.Days.Select(d => (double?)d.Jobs)])]) +
            SvgChart.Lines("growth-fit", "Linear growth fit", "jobs", dates,
            [new ChartSeries("jobs", "#1565c0", [.. report.Days.Select(d => (double?)d.Jobs)]), new ChartSeries("fit", "#ef6c00", fitted)]));
        page.Section("Worker utilisation per day", SvgChart.Lines("utilisation", "Busy share of worker slots per day", "%", dates,
            [new ChartSeries("utilisation", "#2e7d32", [.. report.Days.Select(d => (double?)(d.BusySeconds * 100 / Math.Max(1, report.Utilisation.Slots * 86400.0)))])],
            reference: CapacityReport.TargetUtilisation * 100));
        page.Section("Queue wait trend", SvgChart.Lines("queue-wait-trend", "Queue wait p95 per day", "seconds", dates,
            [new ChartSeries("p95", "#ad1457", [.. report.Days.Select(d => d.QueueWaitP95Seconds)])]));
        page.Section("Disk", report.Disk is { } d
            ? HtmlReport.Table(["directory", "used", "free", "database", "bytes/job", "growth/day", "days until full"],
                [[d.Directory, F(d.UsedPercent) + " %", Bytes(d.FreeBytes), Bytes(d.DatabaseBytes), F(d.BytesPerJob), Bytes((long)d.ProjectedBytesPerDay), d.DaysUntilFull is { } days ? F(days) : "not growing"]])
            : HtmlReport.Paragraph(report.DiskNote ?? "unknown"));
        page.Section("Tables and indexes", HtmlReport.Table(["relation", "kind", "table", "bytes", "rows"],
            report.Relations.Select(r => (IReadOnlyList<string>)[r.Name, r.Kind, r.Table ?? string.Empty, N(r.Bytes), r.Rows is { } rows ? N(rows) : string.Empty])));
        return page.ToString();
    }

    internal static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => F(bytes / (double)(1L << 30)) + " GiB",
        >= 1L << 20 => F(bytes / (double)(1L << 20)) + " MiB",
        >= 1L << 10 => F(bytes / (double)(1L << 10)) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
