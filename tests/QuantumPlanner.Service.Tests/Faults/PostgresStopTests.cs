using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace QuantumPlanner.Service.Tests.Faults;

/// <summary>
/// Issue 11's database fault: a real qplan serve with 8 workers on a PostgreSQL of the test's own, clients submitting
/// 50 jobs/s (and reading accepted jobs), the server stopped with pg_ctl -m fast for 20 s and started again.
/// Raw HttpClient on purpose: the load counts each status and Retry-After the wire carries during the fault, which a
/// client's retries would absorb.
/// </summary>
public sealed class PostgresStopTests(ITestOutputHelper output)
{
    private const double SubmitsPerSecond = 50;
    private const double ReadsPerSecond = 10;
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan After = TimeSpan.FromSeconds(8);

    [PostgresFact]
    public async Task PostgresStopped20sUnderLoad_EveryAcceptedJobCompletesOnceAndClientsOnlySee503WithRetryAfter()
    {
        await using var pg = await OwnPostgres.StartAsync();
        var db = await pg.CreateDatabaseAsync("faults", b =>
        {
            // Short connect and command timeouts, as the runbook recommends: a request during the outage answers 503
            // within seconds instead of holding the client.
            b.Timeout = 2;
            b.CommandTimeout = 5;
        });
        var (migrated, migrateOutput) = await QplanProcess.RunAsync(["db", "migrate", "--db", db], TimeSpan.FromSeconds(60));
        Assert.True(migrated == 0, migrateOutput);
        var ledger = new CompletionLedger(db);
        await ledger.InstallAsync();
        var (created, keyJson) = await QplanProcess.RunAsync(["keys", "create", "--tenant", "acme", "--json", "--db", db], TimeSpan.FromSeconds(60));
        Assert.True(created == 0, keyJson);
        var key = JsonNode.Parse(keyJson[keyJson.IndexOf('{', StringComparison.Ordinal)..])!["key"]!.GetValue<string>();

        var url = $"http://127.0.0.1:{TestServices.FreePort()}";
        using var serve = new QplanProcess(
            ["serve", "--db", db, "--urls", url, "--workers", "8"],
            new Dictionary<string, string>
            {
                // A job running when the database stops cannot record its result; its lease then expires and it is
                // claimed again, within seconds of the restart instead of the default 30 s.
                ["QuantumPlanner__LeaseSeconds"] = "5",
                ["QuantumPlanner__HeartbeatSeconds"] = "1",
                ["QuantumPlanner__PollMilliseconds"] = "100",
                ["QuantumPlanner__RetryAfterSeconds"] = "2",
                ["QuantumPlanner__RateLimitPermits"] = "100000000",
                ["QuantumPlanner__BootstrapAdminKey"] = "false",
                ["Logging__LogLevel__Default"] = "Warning",
            });
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        await ProcessTests.WaitReadyAsync(client, serve);

        var clock = Stopwatch.StartNew();
        var load = new OpenLoad(client, clock);
        var running = load.RunAsync(SubmitsPerSecond, ReadsPerSecond, Before + Outage + After, i => Api.Job(Api.Problem(10), "greedy", timeLimit: 1, seed: i + 1));
        using var stopProbes = new CancellationTokenSource();
        var probes = ProbeHealthAsync(client, clock, stopProbes.Token);

        await Task.Delay(Before);
        var stopping = clock.Elapsed.TotalSeconds;
        await pg.StopAsync();
        var stopped = clock.Elapsed.TotalSeconds;
        await Task.Delay(Outage);
        await pg.StartAgainAsync();
        var started = clock.Elapsed.TotalSeconds;
        await running;
        var loadEnded = clock.Elapsed.TotalSeconds;
        var settled = await ledger.WaitSettledAsync(TimeSpan.FromSeconds(60));
        var settledAt = clock.Elapsed.TotalSeconds;
        await stopProbes.CancelAsync();
        var health = await probes;

        var outcomes = load.Outcomes.ToList();
        var submits = outcomes.Where(o => o.Kind == "submit").ToList();
        var accepted = load.Accepted;
        var firstAcceptedAfter = submits.Where(o => o.JobId is not null && o.AtSeconds >= started).Select(o => o.AtSeconds).DefaultIfEmpty(double.NaN).Min();
        var lastRefusedSubmit = submits.Where(o => o.JobId is null).Select(o => o.AtSeconds).DefaultIfEmpty(double.NaN).Max();
        var databaseBackAt = health.Where(p => p.At >= started && p.Database == 200).Select(p => p.At).DefaultIfEmpty(double.NaN).Min();
        var lost = accepted.Count(id => !settled.TryGetValue(Guid.Parse(id), out var row) || row.Status != "completed");
        var duplicates = settled.Values.Count(r => r.Completions > 1);
        FaultReport.Write(output, new JsonObject
        {
            ["test"] = "postgres-stop-20s",
            ["load"] = $"{SubmitsPerSecond} submissions/s + {ReadsPerSecond} reads/s for {(Before + Outage + After).TotalSeconds} s, qplan serve --workers 8",
            ["fault"] = $"pg_ctl stop -m fast at {stopping:F1} s (down at {stopped:F1} s), started again at {started:F1} s",
            ["submissions"] = FaultReport.ByStatus(submits),
            ["reads"] = FaultReport.ByStatus(outcomes.Where(o => o.Kind == "read")),
            ["accepted"] = accepted.Count,
            ["storedJobs"] = settled.Count,
            ["completed"] = settled.Values.Count(r => r.Status == "completed"),
            ["jobsLost"] = lost,
            ["duplicateCompletions"] = duplicates,
            ["secondAttempts"] = settled.Values.Count(r => r.Attempts > 1),
            ["recoverySecondsToFirst202"] = Math.Round(firstAcceptedAfter - started, 2),
            ["recoverySecondsToDatabaseHealthy"] = Math.Round(databaseBackAt - started, 2),
            ["lastRefusedSubmissionSecondsAfterStart"] = Math.Round(lastRefusedSubmit - started, 2),
            ["drainSecondsAfterLoad"] = Math.Round(settledAt - loadEnded, 2),
            ["readyAnswers"] = string.Join(",", health.GroupBy(p => p.Ready).Select(g => $"{g.Key}x{g.Count()}")),
        });

        var wrong = outcomes.Where(o => o.Unanswered || (o.Status >= 400 && o.Status != 503) || (o.Status == 503 && !o.RetryAfter)).Take(5).ToList();
        Assert.True(wrong.Count == 0, "answers other than 2xx or 503 + Retry-After: " + string.Join(" | ", wrong) + "\n" + Tail(serve.Output));
        Assert.Contains(submits, o => o.Status == 503 && o.AtSeconds > stopped && o.AtSeconds < started);
        Assert.All(outcomes, o => Assert.True(o.SecurityHeaders, $"an answer without the security headers: {o}"));
        Assert.True(accepted.Count > SubmitsPerSecond * (Before + After).TotalSeconds / 2, $"only {accepted.Count} submissions were accepted");
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicates);
        Assert.All(settled, pair => Assert.True(pair.Value is { Status: "completed", Completions: 1 }, $"job {pair.Key}: {pair.Value}"));

        // Readiness stays 200 on purpose (runbook, "Readiness and the database"); /health/database reports the outage.
        Assert.All(health, p => Assert.Equal(200, p.Ready));
        Assert.Contains(health, p => p.At > stopped && p.At < started && p.Database == 503);
        Assert.False(double.IsNaN(databaseBackAt), "/health/database never answered 200 after the restart");
        Assert.False(double.IsNaN(firstAcceptedAfter), "no submission was accepted after the restart");
    }

    private static async Task<List<HealthProbe>> ProbeHealthAsync(HttpClient client, Stopwatch clock, CancellationToken stop)
    {
        var probes = new List<HealthProbe>();
        while (!stop.IsCancellationRequested)
        {
            var at = clock.Elapsed.TotalSeconds;
            probes.Add(new HealthProbe(at, await StatusAsync(client, "/health/ready"), await StatusAsync(client, "/health/database")));
            try
            {
                await Task.Delay(250, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return probes;
    }

    private static async Task<int> StatusAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path);
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    private sealed record HealthProbe(double At, int Ready, int Database);
}
