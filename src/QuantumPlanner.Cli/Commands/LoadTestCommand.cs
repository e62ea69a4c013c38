using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>
/// qplan loadtest: closed-loop clients that each submit a small job, poll (or long-poll) it until it finishes and fetch the result,
/// for a fixed duration. Reports end-to-end jobs/s, errors, latency percentiles of GET /api/v1/jobs/{id}, and the
/// server-side split of each job's time (queue wait vs. solve) from the job timestamps.
/// </summary>
internal sealed class LoadTestCommand(Consoles consoles) : AsyncCommand<LoadTestCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--url <URL>")]
        [Description("Base URL of the service.")]
        [DefaultValue("http://127.0.0.1:8080")]
        public string Url { get; init; } = "http://127.0.0.1:8080";

        [CommandOption("--clients <N>")]
        [Description("Concurrent clients, each with one job in flight.")]
        [DefaultValue(16)]
        public int Clients { get; init; } = 16;

        [CommandOption("--duration <S>")]
        [Description("Seconds to keep submitting.")]
        [DefaultValue(10.0)]
        public double Duration { get; init; } = 10;

        [CommandOption("--api-key <KEY>")]
        [Description("API key (default: QP_API_KEY).")]
        public string? ApiKey { get; init; }

        [CommandOption("--tasks <N>")]
        [Description("Tasks of the generated problem.")]
        [DefaultValue(10)]
        public int Tasks { get; init; } = 10;

        [CommandOption("--backend <NAME>")]
        [Description("Backend of every job (auto runs the portfolio up to the time limit unless it proves optimality).")]
        [DefaultValue("auto")]
        public string Backend { get; init; } = "auto";

        [CommandOption("--time-limit <S>")]
        [Description("timeLimitSeconds of every job.")]
        [DefaultValue(5.0)]
        public double TimeLimit { get; init; } = 5;

        [CommandOption("--seed-base <N>")]
        [Description("First job seed (default: random, so earlier runs' cached results are not reused).")]
        public long? SeedBase { get; init; }

        [CommandOption("--poll-ms <MS>")]
        [Description("Pause between polls of one job.")]
        [DefaultValue(5)]
        public int PollMs { get; init; } = 5;

        [CommandOption("--wait-seconds <S>")]
        [Description("0: poll GET /api/v1/jobs/{id} every --poll-ms. N > 0: one plain GET after the submit (measured as getJobMs), then long-poll with ?waitSeconds=N (measured as longPollMs).")]
        [DefaultValue(0)]
        public int WaitSeconds { get; init; }

        [CommandOption("--rate <JOBS_PER_S>")]
        [Description("0: closed loop, each client starts its next job as soon as the last one is fetched (the most the service can do). R > 0: open loop, jobs start on a fixed schedule of R per second spread over the clients (latency at a given load, not at saturation).")]
        [DefaultValue(0.0)]
        public double Rate { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON document.")]
        public bool Json { get; init; }

        public override ValidationResult Validate()
        {
            if (Clients < 1)
            {
                return ValidationResult.Error($"--clients {Clients} must be at least 1. Maybe --clients 16.");
            }

            if (Duration <= 0)
            {
                return ValidationResult.Error($"--duration {Duration} must be positive. Maybe --duration 10.");
            }

            if (TimeLimit <= 0)
            {
                return ValidationResult.Error($"--time-limit {TimeLimit} must be positive. Maybe --time-limit 5.");
            }

            if (Rate < 0 || !double.IsFinite(Rate))
            {
                return ValidationResult.Error($"--rate {Rate} must be 0 (closed loop) or a positive number of jobs per second. Maybe --rate 100.");
            }

            if (WaitSeconds < 0)
            {
                return ValidationResult.Error($"--wait-seconds {WaitSeconds} must be 0 (plain polling) or more. Maybe --wait-seconds 10.");
            }

            return Tasks < 1 ? ValidationResult.Error($"--tasks {Tasks} must be at least 1.") : ValidationResult.Success();
        }
    }

    private sealed class ClientStats
    {
        public readonly List<double> GetMs = [];
        public readonly List<double> LongPollMs = [];
        public readonly List<double> PostMs = [];
        public readonly List<double> EndToEndMs = [];
        public readonly List<double> QueueMs = [];
        public readonly List<double> SolveMs = [];
        public readonly List<double> PipelineMs = [];
        public readonly Dictionary<string, int> Errors = [];
        public int Submitted;
        public int Completed;

        public void Error(string what) => Errors[what] = Errors.GetValueOrDefault(what) + 1;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var apiKey = settings.ApiKey ?? Environment.GetEnvironmentVariable("QP_API_KEY");
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(settings.Url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        var template = new RequestTemplate(SmallProblem(settings.Tasks), settings.Backend, settings.TimeLimit);
        var stats = new ClientStats[settings.Clients];
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(settings.Duration);
        // Seeds differ between runs so that no job is answered from the result cache of an earlier run.
        long seed = settings.SeedBase ?? Random.Shared.NextInt64(1, long.MaxValue / 2);
        var clients = new Task[settings.Clients];
        for (var c = 0; c < clients.Length; c++)
        {
            var s = stats[c] = new ClientStats();
            var index = c;
            clients[c] = Task.Run(() => RunClientAsync(http, template, settings, index, s, clock, deadline, () => Interlocked.Increment(ref seed), cancellationToken), cancellationToken);
        }

        await Task.WhenAll(clients).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalSeconds;
        var report = Summarise(stats, elapsed, settings);
        if (settings.Json)
        {
            consoles.Print(report.ToJsonString(JsonOutput.Options));
        }
        else
        {
            consoles.Out.Write(Table(report));
        }

        return report["errors"]!.GetValue<int>() == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static async Task RunClientAsync(
        HttpClient http, RequestTemplate template, Settings settings, int index, ClientStats stats, Stopwatch clock, TimeSpan deadline, Func<long> nextSeed, CancellationToken cancellationToken)
    {
        // Open loop: client c starts jobs at c/R, c/R + C/R, c/R + 2C/R, ... so that C clients together start R per second.
        // A client that falls behind its schedule starts the next job at once; the report shows the rate reached.
        var interval = settings.Rate > 0 ? settings.Clients / settings.Rate : 0;
        var nextStart = settings.Rate > 0 ? index / settings.Rate : 0;
        while (clock.Elapsed < deadline && !cancellationToken.IsCancellationRequested)
        {
            if (interval > 0)
            {
                // Decide by the scheduled time, not the clock: a timer that fires a hair early must not add a start at
                // the deadline itself (2 jobs/s for 2 s is exactly 4 starts).
                if (nextStart >= deadline.TotalSeconds)
                {
                    break;
                }

                var wait = nextStart - clock.Elapsed.TotalSeconds;
                nextStart += interval;
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait), cancellationToken).ConfigureAwait(false);
                    if (clock.Elapsed >= deadline)
                    {
                        break;
                    }
                }
            }

            try
            {
                await RunOneJobAsync(http, template, settings, stats, nextSeed(), cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                stats.Error($"http: {ex.HttpRequestError}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                stats.Error("timeout");
            }
            catch (JsonException)
            {
                stats.Error("malformed JSON");
            }
        }
    }

    private static async Task RunOneJobAsync(HttpClient http, RequestTemplate template, Settings settings, ClientStats stats, long seed, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        using var content = template.Body(seed);
        using var post = await http.PostAsync("api/v1/jobs", content, cancellationToken).ConfigureAwait(false);
        var posted = await post.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        stats.PostMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        stats.Submitted++;
        if ((int)post.StatusCode != 202 && (int)post.StatusCode != 200)
        {
            stats.Error($"POST {(int)post.StatusCode}");
            return;
        }

        var id = JobJson.Read(posted).Id;
        if (string.IsNullOrEmpty(id))
        {
            stats.Error("POST without id");
            return;
        }

        var plainUrl = "api/v1/jobs/" + id;
        var waitUrl = settings.WaitSeconds > 0 ? $"{plainUrl}?waitSeconds={settings.WaitSeconds}" : plainUrl;
        // Long-poll mode still measures one plain GET per job, so GET latency is reported over real non-waiting requests.
        var plainGet = true;
        while (true)
        {
            var wait = plainGet ? 0 : settings.WaitSeconds;
            plainGet = settings.WaitSeconds == 0;
            var getStart = Stopwatch.GetTimestamp();
            using var get = await http.GetAsync(wait > 0 ? waitUrl : plainUrl, cancellationToken).ConfigureAwait(false);
            var body = await get.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            (wait > 0 ? stats.LongPollMs : stats.GetMs).Add(Stopwatch.GetElapsedTime(getStart).TotalMilliseconds);
            if (!get.IsSuccessStatusCode)
            {
                stats.Error($"GET {(int)get.StatusCode}");
                return;
            }

            var job = JobJson.Read(body);
            if (job.Id != id)
            {
                stats.Error("GET of another job");
                return;
            }

            if (job.Status is "queued" or "running")
            {
                if (settings.WaitSeconds == 0)
                {
                    await Task.Delay(settings.PollMs, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (job.Status != "completed")
            {
                stats.Error($"job {job.Status}");
                return;
            }

            AddSpan(stats.QueueMs, job.CreatedAt, job.StartedAt);
            AddSpan(stats.SolveMs, job.StartedAt, job.CompletedAt);
            break;
        }

        using var result = await http.GetAsync(plainUrl + "/result", cancellationToken).ConfigureAwait(false);
        var plan = await result.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccessStatusCode)
        {
            stats.Error($"GET result {(int)result.StatusCode}");
            return;
        }

        if (!JobJson.TryReadPlan(plan, out var totalMs))
        {
            stats.Error("result without assignments");
            return;
        }

        if (totalMs is { } ms)
        {
            stats.PipelineMs.Add(ms);
        }

        stats.EndToEndMs.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        stats.Completed++;
    }

    private static void AddSpan(List<double> into, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (from is { } a && to is { } b)
        {
            into.Add((b - a).TotalMilliseconds);
        }
    }

    /// <summary>
    /// The body of every job, serialised once: only the seed differs, so each request costs one copy of the bytes
    /// instead of building and serialising a JSON tree (the load generator shares the CPUs with the service it measures).
    /// </summary>
    internal sealed class RequestTemplate(string problem, string backend, double timeLimitSeconds)
    {
        private readonly byte[] prefix = Encoding.UTF8.GetBytes(
            "{\"problem\":" + problem + ",\"backend\":" + JsonSerializer.Serialize(backend) + ",\"timeLimitSeconds\":"
            + timeLimitSeconds.ToString("R", CultureInfo.InvariantCulture) + ",\"seed\":");

        public ByteArrayContent Body(long seed)
        {
            Span<byte> digits = stackalloc byte[24];
            seed.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
            var body = new byte[prefix.Length + length + 1];
            prefix.CopyTo(body, 0);
            digits[..length].CopyTo(body.AsSpan(prefix.Length));
            body[^1] = (byte)'}';
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            return content;
        }
    }

    /// <summary>Reads the few fields the load test checks straight from the response bytes, without building a DOM.</summary>
    internal static class JobJson
    {
        internal readonly record struct JobFields(string? Id, string? Status, DateTimeOffset? CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt);

        /// <summary>Top-level id, status and timestamps of a job view; throws <see cref="JsonException"/> on malformed JSON.</summary>
        public static JobFields Read(ReadOnlySpan<byte> json)
        {
            var reader = new Utf8JsonReader(json);
            string? id = null, status = null;
            DateTimeOffset? created = null, started = null, completed = null;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }

                var name = reader.ValueSpan;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }

                if (name.SequenceEqual("id"u8))
                {
                    id = reader.GetString();
                }
                else if (name.SequenceEqual("status"u8))
                {
                    status = reader.GetString();
                }
                else if (name.SequenceEqual("createdAt"u8))
                {
                    created = reader.GetDateTimeOffset();
                }
                else if (name.SequenceEqual("startedAt"u8))
                {
                    started = reader.GetDateTimeOffset();
                }
                else if (name.SequenceEqual("completedAt"u8))
                {
                    completed = reader.GetDateTimeOffset();
                }
            }

            return new JobFields(id, status, created, started, completed);
        }

        /// <summary>
        /// True when <paramref name="json"/> is a plan object with an assignments array (the whole document is read, so
        /// malformed JSON throws <see cref="JsonException"/>); <paramref name="totalMs"/> is its timing.totalMs when present.
        /// </summary>
        public static bool TryReadPlan(ReadOnlySpan<byte> json, out double? totalMs)
        {
            var reader = new Utf8JsonReader(json);
            totalMs = null;
            var assignments = false;
            var inTiming = false;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 1)
                {
                    inTiming = false;
                }

                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                if (reader.CurrentDepth == 1)
                {
                    assignments |= reader.ValueTextEquals("assignments"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartArray;
                    inTiming = reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("timing"u8);
                }
                else if (inTiming && reader.CurrentDepth == 2 && reader.ValueTextEquals("totalMs"u8) && reader.Read() && reader.TokenType == JsonTokenType.Number)
                {
                    totalMs = reader.GetDouble();
                }
            }

            return assignments;
        }
    }

    /// <summary>A feasible problem with <paramref name="tasks"/> tasks over three agents with two skills and a few dependencies.</summary>
    internal static string SmallProblem(int tasks)
    {
        var agents = new JsonArray
        {
            new JsonObject { ["id"] = "a1", ["skills"] = new JsonArray("x", "y") },
            new JsonObject { ["id"] = "a2", ["skills"] = new JsonArray("x") },
            new JsonObject { ["id"] = "a3", ["skills"] = new JsonArray("y") },
        };
        var list = new JsonArray();
        for (var t = 0; t < tasks; t++)
        {
            var task = new JsonObject
            {
                ["id"] = $"t{t}",
                ["requiredSkills"] = new JsonArray(t % 2 == 0 ? "x" : "y"),
                ["duration"] = 1 + (t % 3),
            };
            if (t % 4 == 3)
            {
                task["dependsOn"] = new JsonArray($"t{t - 1}");
            }

            list.Add(task);
        }

        var problem = new JsonObject
        {
            ["name"] = $"loadtest-{tasks}",
            ["agents"] = agents,
            ["tasks"] = list,
            ["objective"] = new JsonObject { ["makespan"] = 1 },
        };
        return problem.ToJsonString();
    }

    private static JsonObject Summarise(ClientStats[] stats, double elapsed, Settings settings)
    {
        var get = new List<double>();
        var longPoll = new List<double>();
        var post = new List<double>();
        var e2e = new List<double>();
        var queue = new List<double>();
        var solve = new List<double>();
        var pipeline = new List<double>();
        var errors = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int submitted = 0, completed = 0;
        foreach (var s in stats)
        {
            get.AddRange(s.GetMs);
            longPoll.AddRange(s.LongPollMs);
            post.AddRange(s.PostMs);
            e2e.AddRange(s.EndToEndMs);
            queue.AddRange(s.QueueMs);
            solve.AddRange(s.SolveMs);
            pipeline.AddRange(s.PipelineMs);
            submitted += s.Submitted;
            completed += s.Completed;
            foreach (var (k, v) in s.Errors)
            {
                errors[k] = errors.GetValueOrDefault(k) + v;
            }
        }

        var errorObject = new JsonObject();
        var errorCount = 0;
        foreach (var (k, v) in errors)
        {
            errorObject[k] = v;
            errorCount += v;
        }

        return new JsonObject
        {
            ["url"] = settings.Url,
            ["clients"] = settings.Clients,
            ["rate"] = settings.Rate,
            ["tasks"] = settings.Tasks,
            ["backend"] = settings.Backend,
            ["timeLimitSeconds"] = settings.TimeLimit,
            ["seconds"] = Math.Round(elapsed, 2),
            ["submitted"] = submitted,
            ["completed"] = completed,
            ["jobsPerSecond"] = Math.Round(completed / elapsed, 1),
            ["errors"] = errorCount,
            ["errorKinds"] = errorObject,
            ["getJobMs"] = Percentiles(get),
            ["getRequests"] = get.Count,
            ["waitSeconds"] = settings.WaitSeconds,
            ["longPollMs"] = Percentiles(longPoll),
            ["longPollRequests"] = longPoll.Count,
            ["postJobMs"] = Percentiles(post),
            ["endToEndMs"] = Percentiles(e2e),
            ["serverQueueMs"] = Percentiles(queue),
            ["serverRunMs"] = Percentiles(solve),
            ["pipelineMs"] = Percentiles(pipeline),
        };
    }

    private static JsonObject Percentiles(List<double> values)
    {
        values.Sort();
        return new JsonObject
        {
            ["p50"] = Percentile(values, 0.50),
            ["p95"] = Percentile(values, 0.95),
            ["p99"] = Percentile(values, 0.99),
            ["max"] = values.Count == 0 ? 0 : Math.Round(values[^1], 2),
        };
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)], 2);

    private static Table Table(JsonObject report)
    {
        var table = new Table().AddColumn("measure").AddColumn("value");
        foreach (var (key, value) in report)
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(value?.ToJsonString() ?? string.Empty));
        }

        return table;
    }
}
