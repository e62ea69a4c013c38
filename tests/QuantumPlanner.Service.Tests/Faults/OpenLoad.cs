using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace QuantumPlanner.Service.Tests.Faults;

/// <summary>One request the load made: what it was, when it started (seconds on the test's clock) and how it ended.</summary>
internal sealed record RequestOutcome(string Kind, double AtSeconds, int Status, bool RetryAfter, string? JobId, string? Failure)
{
    /// <summary>Whether the answer carried the service's security headers (X-Content-Type-Options, X-Frame-Options).</summary>
    public bool SecurityHeaders { get; init; }

    /// <summary>Status 0: the request never got an answer (connection refused or reset, timeout).</summary>
    public bool Unanswered => Status == 0;
}

/// <summary>
/// An open-loop client: starts submissions at a fixed rate (each on its own schedule, so a slow answer never delays the
/// next start) and reads of already-accepted jobs beside them, and records every answer.
/// </summary>
internal sealed class OpenLoad(HttpClient client, Stopwatch clock)
{
    private readonly ConcurrentQueue<RequestOutcome> outcomes = new();
    private readonly ConcurrentQueue<string> accepted = new();
    private readonly List<Task> inFlight = [];

    public IReadOnlyCollection<RequestOutcome> Outcomes => outcomes;

    public IReadOnlyList<string> Accepted => [.. accepted];

    /// <summary>Runs for <paramref name="duration"/>, then waits for every request it started.</summary>
    public async Task RunAsync(double submitsPerSecond, double readsPerSecond, TimeSpan duration, Func<int, JsonObject> job)
    {
        var begin = clock.Elapsed;
        var submits = Schedule(submitsPerSecond, begin, duration, i => SubmitAsync(job(i)));
        var reads = readsPerSecond > 0 ? Schedule(readsPerSecond, begin, duration, i => ReadAsync(i)) : Task.CompletedTask;
        await Task.WhenAll(submits, reads);
        Task[] started;
        lock (inFlight)
        {
            started = [.. inFlight];
        }

        await Task.WhenAll(started);
    }

    private async Task Schedule(double perSecond, TimeSpan begin, TimeSpan duration, Func<int, Task> request)
    {
        for (var i = 0; ; i++)
        {
            var due = begin + TimeSpan.FromSeconds(i / perSecond);
            if (due - begin >= duration)
            {
                return;
            }

            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var task = Task.Run(() => request(i));
            lock (inFlight)
            {
                inFlight.Add(task);
            }
        }
    }

    private async Task SubmitAsync(JsonObject body)
    {
        var at = clock.Elapsed.TotalSeconds;
        try
        {
            using var response = await client.PostAsync("/api/v1/jobs", Api.Json(body));
            var text = await response.Content.ReadAsStringAsync();
            string? id = null;
            if (response.IsSuccessStatusCode)
            {
                id = JsonNode.Parse(text)?["id"]?.GetValue<string>();
                if (id is not null)
                {
                    accepted.Enqueue(id);
                }
            }

            outcomes.Enqueue(new RequestOutcome("submit", at, (int)response.StatusCode, response.Headers.RetryAfter is not null, id, response.IsSuccessStatusCode ? null : Shorten(text))
            {
                SecurityHeaders = HasSecurityHeaders(response),
            });
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            outcomes.Enqueue(new RequestOutcome("submit", at, 0, false, null, $"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    private async Task ReadAsync(int i)
    {
        var ids = accepted.ToArray();
        if (ids.Length == 0)
        {
            return;
        }

        var id = ids[i % ids.Length];
        var at = clock.Elapsed.TotalSeconds;
        try
        {
            using var response = await client.GetAsync($"/api/v1/jobs/{id}");
            var text = response.IsSuccessStatusCode ? null : Shorten(await response.Content.ReadAsStringAsync());
            outcomes.Enqueue(new RequestOutcome("read", at, (int)response.StatusCode, response.Headers.RetryAfter is not null, id, text)
            {
                SecurityHeaders = HasSecurityHeaders(response),
            });
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            outcomes.Enqueue(new RequestOutcome("read", at, 0, false, id, $"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    private static bool HasSecurityHeaders(HttpResponseMessage response) =>
        response.Headers.Contains("X-Content-Type-Options") && response.Headers.Contains("X-Frame-Options");

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300];
}
