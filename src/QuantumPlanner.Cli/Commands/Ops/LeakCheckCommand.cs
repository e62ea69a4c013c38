using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using QuantumPlanner.Cli.Operations;
using QuantumPlanner.Cli.Operations.Leaks;
using QuantumPlanner.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops leak-check: the runbook's memory_leak_detector.py. Drives a steady load of small jobs against --url
/// (closed loop, --concurrency jobs in flight), samples GC heap, RSS and open handles (the service's /metrics, or
/// /proc of --pid), fits each figure's trend after the warm-up and reports its growth per 1000 jobs; above a limit
/// is a leak and exits 1. With --pid and no --url nothing is driven and growth is per hour over --duration.
/// </summary>
internal sealed class LeakCheckCommand(Consoles consoles) : AsyncCommand<LeakCheckCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--url <URL>")]
        [Description("The service to load and read /metrics from (default: QP_URL).")]
        public string? Url { get; init; }

        [CommandOption("--pid <PID>")]
        [Description("Read RSS and handles from /proc/PID (a process on this machine); alone, watch it without load.")]
        public int? Pid { get; init; }

        [CommandOption("--jobs <N>")]
        [Description("Jobs to run (default 1000; with --duration, whichever comes first).")]
        public int? Jobs { get; init; }

        [CommandOption("--duration <DURATION>")]
        [Description("How long to run, e.g. 3600s for the runbook's --runtime 3600 (needed with --pid alone).")]
        public string? Duration { get; init; }

        [CommandOption("--warmup <N>")]
        [Description("Jobs (or, without load, the first tenth of the time) left out of the fit while caches and the JIT settle (default: a tenth of --jobs).")]
        public int? Warmup { get; init; }

        [CommandOption("--concurrency <N>")]
        [Description("Jobs in flight (default 4).")]
        public int Concurrency { get; init; } = 4;

        [CommandOption("--interval <S>")]
        [Description("Seconds between samples (default 1; fractions allowed).")]
        public double Interval { get; init; } = 1;

        [CommandOption("--tasks <N>")]
        [Description("Tasks of each generated job (default 8).")]
        public int Tasks { get; init; } = 8;

        [CommandOption("--backend <NAME>")]
        [Description("Backend of each job (default greedy).")]
        public string Backend { get; init; } = "greedy";

        [CommandOption("--time-limit <S>")]
        [Description("timeLimitSeconds of each job (default 1).")]
        public double TimeLimit { get; init; } = 1;

        [CommandOption("--api-key <KEY>")]
        [Description("API key (default: QP_API_KEY).")]
        public string? ApiKey { get; init; }

        [CommandOption("--max-heap-growth <MIB>")]
        [Description("GC heap growth per 1000 jobs (or per hour) above this is a leak (default 8).")]
        public double MaxHeapGrowth { get; init; } = 8;

        [CommandOption("--max-rss-growth <MIB>")]
        [Description("RSS growth per 1000 jobs (or per hour) above this is a leak (default 32).")]
        public double MaxRssGrowth { get; init; } = 32;

        [CommandOption("--max-handle-growth <N>")]
        [Description("Open-handle growth per 1000 jobs (or per hour) above this is a leak (default 50).")]
        public double MaxHandleGrowth { get; init; } = 50;

        [CommandOption("--chart <FILE>")]
        [Description("Also write an HTML page with the samples as charts (inline SVG).")]
        public string? Chart { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON document on stdout instead of a table.")]
        public bool Json { get; init; }

        public string? EffectiveUrl => string.IsNullOrWhiteSpace(Url) ? NullIfEmpty(Environment.GetEnvironmentVariable("QP_URL")) : Url;

        public override ValidationResult Validate()
        {
            if (EffectiveUrl is null && Pid is null)
            {
                return ValidationResult.Error("Give --url (load and /metrics) or --pid (watch a process). Maybe qplan ops leak-check --url http://127.0.0.1:8080 --jobs 2000.");
            }

            if (EffectiveUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                return ValidationResult.Error($"--url '{url}' is not an http(s) URL. Maybe --url http://127.0.0.1:8080.");
            }

            if (EffectiveUrl is null && Duration is null)
            {
                return ValidationResult.Error("--pid without --url drives no jobs: give --duration. Maybe --duration 3600s.");
            }

            if (Duration is not null && !(DurationText.TryParse(Duration, out var d) && d > TimeSpan.Zero))
            {
                return ValidationResult.Error($"--duration '{Duration}' is not a positive duration. Maybe --duration 3600s.");
            }

            return Interval > 0 && Concurrency > 0 && Tasks > 0 && (Jobs is null or > 0) && (Warmup is null or >= 0) && TimeLimit > 0
                ? ValidationResult.Success()
                : ValidationResult.Error("--interval, --concurrency, --tasks, --jobs and --time-limit must be positive, --warmup at least 0. Maybe --jobs 1000 --concurrency 4.");
        }

        private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var url = settings.EffectiveUrl is { } u ? new Uri(u.TrimEnd('/') + "/") : null;
        var perJobs = url is not null;
        var jobsTarget = perJobs ? settings.Jobs ?? (settings.Duration is null ? 1000 : int.MaxValue) : 0;
        var duration = settings.Duration is null ? (TimeSpan?)null : DurationText.Parse(settings.Duration, "--duration");
        var warmupJobs = settings.Warmup ?? (jobsTarget == int.MaxValue ? 0 : jobsTarget / 10);
        var interval = TimeSpan.FromSeconds(settings.Interval);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var source = new MemorySource(url is null ? null : http, url is null ? null : new Uri(url, "metrics"), settings.Pid);
        var samples = new List<MemorySample>();
        var clock = Stopwatch.StartNew();
        var load = new JobLoad();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (duration is { } limit)
        {
            stop.CancelAfter(limit);
        }

        consoles.Note($"Leak check of {source.Describe()}: {(perJobs ? $"{(jobsTarget == int.MaxValue ? "jobs" : jobsTarget.ToString(CultureInfo.InvariantCulture) + " jobs")} of {settings.Tasks} tasks ({settings.Backend}), {settings.Concurrency} in flight" : "no load")}{(duration is { } t ? $", at most {t.TotalSeconds:0} s" : string.Empty)}; warm-up {(perJobs ? warmupJobs + " jobs" : "first tenth")}...");
        samples.Add(await source.ReadAsync(0, 0, cancellationToken).ConfigureAwait(false));
        var driving = perJobs ? load.RunAsync(url!, settings, jobsTarget, stop.Token) : Task.Delay(Timeout.Infinite, stop.Token);
        while (!driving.IsCompleted)
        {
            await Task.WhenAny(driving, Task.Delay(interval, CancellationToken.None)).ConfigureAwait(false);
            samples.Add(await source.ReadAsync(load.Completed, clock.Elapsed.TotalSeconds, cancellationToken).ConfigureAwait(false));
            if (samples.Count % 10 == 0)
            {
                consoles.Note(string.Create(CultureInfo.InvariantCulture, $"  {clock.Elapsed.TotalSeconds:0} s: {load.Completed} jobs done, {load.Failed} failed"));
            }
        }

        try
        {
            await driving.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // --duration ran out: the normal end of a timed check.
        }

        if (perJobs && load.Completed == 0)
        {
            throw new UserInputException($"No job finished against {url} ({load.Failed} failed: {load.LastError}). Maybe --api-key, or check qplan ops health --url {url}.");
        }

        var limits = new LeakLimits(settings.MaxHeapGrowth, settings.MaxRssGrowth, settings.MaxHandleGrowth);
        var trends = LeakVerdict.Judge(samples, warmupJobs, clock.Elapsed.TotalSeconds / 10, perJobs, limits);
        var leaking = trends.Any(t => t.Status == "leak");
        if (trends.All(t => t.Status == "not measured"))
        {
            throw new UserInputException($"Only {samples.Count} sample(s), too few after the warm-up to fit a trend. Maybe more --jobs, a longer --duration or a shorter --interval.");
        }

        if (settings.Chart is { } chart)
        {
            await File.WriteAllTextAsync(chart, Chart(samples, perJobs, source.Describe()), cancellationToken).ConfigureAwait(false);
        }

        if (settings.Json)
        {
            consoles.Print(JsonOutput.Serialize(new { source = source.Describe(), jobs = load.Completed, failedJobs = load.Failed, seconds = Math.Round(clock.Elapsed.TotalSeconds, 1), warmupJobs = perJobs ? warmupJobs : (int?)null, leaking, trends, samples }));
        }
        else
        {
            var table = new Table().AddColumns(string.Empty, "figure", "first", "last", "growth", "R²", "limit");
            foreach (var trend in trends)
            {
                table.AddRow(trend.Status switch { "ok" => "✓", "leak" => "✗", _ => "⚠" }, Markup.Escape(trend.Metric), Figure(trend.First, trend.Unit), Figure(trend.Last, trend.Unit),
                    trend.Growth is { } g ? Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{g:0.###} {trend.Unit} per {trend.Per}")) : "-",
                    trend.RSquared?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-", Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{trend.Limit:0.##} {trend.Unit}")));
            }

            consoles.Out.Write(table);
            consoles.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{load.Completed} jobs ({load.Failed} failed) in {clock.Elapsed.TotalSeconds:0.0} s, {samples.Count} samples. ") +
                (leaking ? "Leak: a figure grows faster than its limit (✗). Maybe qplan ops profile --pid P, or a dump with dotnet-gcdump." : "No leak above the limits."));
        }

        return leaking ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private static string Figure(double? value, string unit) => value is { } v ? Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{v:0.##} {unit}")) : "-";

    private static string Chart(IReadOnlyList<MemorySample> samples, bool perJobs, string source)
    {
        var categories = samples.Select(s => perJobs ? s.Jobs.ToString(CultureInfo.InvariantCulture) : s.Seconds.ToString("0", CultureInfo.InvariantCulture) + " s").ToList();
        var memory = SvgChart.Lines("memory", "Memory " + (perJobs ? "by jobs done" : "over time"), "MiB", categories,
        [
            new ChartSeries("RSS", "#1f77b4", samples.Select(s => s.RssBytes / LeakVerdict.Mebibyte).ToList()),
            new ChartSeries("GC heap", "#ff7f0e", samples.Select(s => s.GcHeapBytes / LeakVerdict.Mebibyte).ToList()),
        ]);
        var handles = SvgChart.Lines("handles", "Open handles", "count", categories, [new ChartSeries("handles", "#2ca02c", samples.Select(s => s.Handles).ToList())]);
        return new HtmlReport("Leak check", source).Section("Memory", memory).Section("Handles", handles).ToString();
    }

    /// <summary>Closed-loop clients: each submits a small job, waits for its plan, and submits the next, until the target.</summary>
    private sealed class JobLoad
    {
        private int _started;
        private int _completed;
        private int _failed;

        public int Completed => Volatile.Read(ref _completed);

        public int Failed => Volatile.Read(ref _failed);

        public string? LastError { get; private set; }

        public async Task RunAsync(Uri url, Settings settings, int target, CancellationToken cancellationToken)
        {
            var client = new QuantumPlannerClient(url, new QuantumPlannerClientOptions { ApiKey = settings.ApiKey ?? Environment.GetEnvironmentVariable("QP_API_KEY"), MaxRetries = 1 });
            using (client)
            {
                var problem = JsonNode.Parse(LoadTestCommand.SmallProblem(settings.Tasks))!.AsObject();
                // Seeds differ per run and per job, so every job is solved rather than answered from the result cache.
                var seedBase = Random.Shared.NextInt64(1, long.MaxValue / 2);
                var clients = Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
                {
                    while (Interlocked.Increment(ref _started) <= target)
                    {
                        var request = new PlanRequest(problem) { Backend = settings.Backend, TimeLimitSeconds = settings.TimeLimit, Seed = seedBase + _started };
                        try
                        {
                            await client.PlanAsync(request, TimeSpan.FromSeconds(60 + settings.TimeLimit), cancellationToken).ConfigureAwait(false);
                            Interlocked.Increment(ref _completed);
                        }
                        catch (Exception ex) when (ex is QuantumPlannerException or HttpRequestException or TimeoutException)
                        {
                            Interlocked.Increment(ref _failed);
                            LastError = ex.Message;
                        }
                    }
                }, cancellationToken)).ToList();
                await Task.WhenAll(clients).ConfigureAwait(false);
            }
        }
    }
}
