using System.Globalization;
using Spectre.Console;

namespace QuantumPlanner.Cli.Operations;

/// <summary>The performance report as terminal tables and as an HTML page with charts.</summary>
internal static class PerformanceReportView
{
    public static void WriteTables(IAnsiConsole console, PerformanceReport report)
    {
        var t = report.Totals;
        console.MarkupLine($"Performance {report.From:yyyy-MM-dd HH:mm} .. {report.To:yyyy-MM-dd HH:mm} UTC ({report.Store}): {t.Jobs} jobs, " +
            $"success {Percent(t.SuccessRate)}, failure {Percent(t.FailureRate)}, cancelled {Percent(t.CancelRate)}, fallback {Percent(t.FallbackRate)}");
        var backends = new Table().AddColumns("backend", "jobs", "ok", "failed", "cancelled", "fallback", "solve p50 s", "p95 s", "p99 s", "wait p50 s", "wait p95 s", "wait p99 s");
        foreach (var b in report.Backends)
        {
            backends.AddRow(Markup.Escape(b.Backend), N(b.Totals.Jobs), Percent(b.Totals.SuccessRate), Percent(b.Totals.FailureRate), Percent(b.Totals.CancelRate), Percent(b.Totals.FallbackRate),
                S(b.SolveSeconds.P50), S(b.SolveSeconds.P95), S(b.SolveSeconds.P99), S(b.QueueWaitSeconds.P50), S(b.QueueWaitSeconds.P95), S(b.QueueWaitSeconds.P99));
        }

        backends.AddRow("[bold]all[/]", N(t.Jobs), Percent(t.SuccessRate), Percent(t.FailureRate), Percent(t.CancelRate), Percent(t.FallbackRate),
            S(report.SolveSeconds.P50), S(report.SolveSeconds.P95), S(report.SolveSeconds.P99), S(report.QueueWaitSeconds.P50), S(report.QueueWaitSeconds.P95), S(report.QueueWaitSeconds.P99));
        console.Write(backends);

        var days = new Table().AddColumns("day", "completed", "failed", "cancelled", "pending", "solve p50 s", "solve p95 s", "wait p95 s");
        foreach (var d in report.Days)
        {
            days.AddRow(d.Date, N(d.Completed), N(d.Failed), N(d.Cancelled), N(d.Pending), S(d.SolveSeconds.P50), S(d.SolveSeconds.P95), S(d.QueueWaitSeconds.P95));
        }

        console.Write(days);
        var gaps = new Table().AddColumns("plan gap", "completed jobs");
        foreach (var g in report.Gaps)
        {
            gaps.AddRow(Markup.Escape(g.Range), N(g.Jobs));
        }

        console.Write(gaps);
        var slow = new Table().AddColumns("slowest job", "tenant", "backend", "solve s", "created");
        foreach (var j in report.SlowestJobs)
        {
            slow.AddRow(j.Id.ToString(), Markup.Escape(j.Tenant), Markup.Escape(j.Backend), S(j.SolveSeconds), j.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
        }

        console.Write(slow);
    }

    public static string Html(PerformanceReport report)
    {
        var t = report.Totals;
        var dates = report.Days.Select(d => d.Date).ToList();
        var page = new HtmlReport("QuantumPlanner performance report", $"{report.From:yyyy-MM-dd HH:mm} to {report.To:yyyy-MM-dd HH:mm} UTC, {report.Store} store, {t.Jobs} jobs");
        page.Section("Summary", HtmlReport.Table(
            ["jobs", "completed", "failed", "cancelled", "pending", "success", "failure", "cancel", "fallback"],
            [[N(t.Jobs), N(t.Completed), N(t.Failed), N(t.Cancelled), N(t.Pending), Percent(t.SuccessRate), Percent(t.FailureRate), Percent(t.CancelRate), Percent(t.FallbackRate)]]));
        page.Section("Jobs per day by status", SvgChart.StackedBars("jobs-per-day", "Jobs per day by status", "jobs", dates,
        [
            new ChartSeries("completed", "#2e7d32", [.. report.Days.Select(d => (double?)d.Completed)]),
            new ChartSeries("failed", "#c62828", [.. report.Days.Select(d => (double?)d.Failed)]),
            new ChartSeries("cancelled", "#f9a825", [.. report.Days.Select(d => (double?)d.Cancelled)]),
            new ChartSeries("pending", "#90a4ae", [.. report.Days.Select(d => (double?)d.Pending)]),
        ]));
        page.Section("Solve time percentiles per day", SvgChart.Lines("solve-percentiles", "Solve time per day (p50, p95, p99)", "seconds", dates,
        [
            new ChartSeries("p50", "#1565c0", [.. report.Days.Select(d => d.SolveSeconds.P50)]),
            new ChartSeries("p95", "#ef6c00", [.. report.Days.Select(d => d.SolveSeconds.P95)]),
            new ChartSeries("p99", "#6a1b9a", [.. report.Days.Select(d => d.SolveSeconds.P99)]),
        ]));
        page.Section("Queue wait per day", SvgChart.Lines("queue-wait", "Queue wait per day (p50, p95)", "seconds", dates,
        [
            new ChartSeries("p50", "#00838f", [.. report.Days.Select(d => d.QueueWaitSeconds.P50)]),
            new ChartSeries("p95", "#ad1457", [.. report.Days.Select(d => d.QueueWaitSeconds.P95)]),
        ]));
        page.Section("Backends", HtmlReport.Table(
            ["backend", "jobs", "success", "failure", "cancel", "fallback", "solve p50 s", "p95 s", "p99 s", "wait p50 s", "wait p95 s", "wait p99 s"],
            report.Backends.Select(b => (IReadOnlyList<string>)[b.Backend, N(b.Totals.Jobs), Percent(b.Totals.SuccessRate), Percent(b.Totals.FailureRate), Percent(b.Totals.CancelRate), Percent(b.Totals.FallbackRate),
                S(b.SolveSeconds.P50), S(b.SolveSeconds.P95), S(b.SolveSeconds.P99), S(b.QueueWaitSeconds.P50), S(b.QueueWaitSeconds.P95), S(b.QueueWaitSeconds.P99)])));
        page.Section("Plan gap distribution (completed jobs)", HtmlReport.Table(["gap", "jobs"], report.Gaps.Select(g => (IReadOnlyList<string>)[g.Range, N(g.Jobs)])));
        page.Section("Slowest jobs", HtmlReport.Table(["job", "tenant", "backend", "solve s", "created"],
            report.SlowestJobs.Select(j => (IReadOnlyList<string>)[j.Id.ToString(), j.Tenant, j.Backend, S(j.SolveSeconds), j.CreatedAt.ToString("u", CultureInfo.InvariantCulture)])));
        return page.ToString();
    }

    internal static string Percent(double ratio) => (ratio * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    internal static string S(double? seconds) => seconds?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-";

    internal static string N(long count) => count.ToString(CultureInfo.InvariantCulture);
}
