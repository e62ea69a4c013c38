using System.ComponentModel;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using QuantumPlanner.Storage.Operations;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops errors: the failed jobs of a period with their error, counted by backend and by tenant, from the store
/// (the same as the runbook's <c>kubectl logs -l app=quantum-planner --since=24h | grep ERROR</c>, without the logs), or
/// with --url from a running service's <c>GET /api/v1/admin/errors</c> (an admin key), for operators without database access.
/// </summary>
internal sealed class ErrorsCommand(Consoles consoles) : AsyncCommand<ErrorsCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--since <DURATION>")]
        [Description("How far back, by completion time (default 24h).")]
        public string Since { get; init; } = "24h";

        [CommandOption("--limit <N>")]
        [Description("Most failed jobs to list (default 50; the counts cover all).")]
        public int Limit { get; init; } = 50;

        [CommandOption("--url <URL>")]
        [Description("Ask a running service (GET /api/v1/admin/errors) instead of the store.")]
        public string? Url { get; init; }

        [CommandOption("--api-key <KEY>")]
        [Description("With --url: an admin key (default: QP_API_KEY).")]
        public string? ApiKey { get; init; }

        public override ValidationResult Validate() =>
            Url is not null && !(Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                ? ValidationResult.Error($"--url '{Url}' is not an http(s) URL. Maybe --url http://127.0.0.1:8080.")
                : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var window = DurationText.Parse(settings.Since, "--since");
        FailedJobSummary summary;
        if (settings.Url is { } url)
        {
            var (read, error) = await FromServiceAsync(new Uri(url.TrimEnd('/') + "/"), settings, window, cancellationToken).ConfigureAwait(false);
            if (read is null)
            {
                consoles.Fail(error!);
                return ExitCodes.Failure;
            }

            summary = read;
        }
        else
        {
            var store = settings.OpenOperations();
            await using (store.ConfigureAwait(false))
            {
                summary = await FailedJobSummary.ReadAsync(store, DateTimeOffset.UtcNow - window, settings.Limit, cancellationToken).ConfigureAwait(false);
            }
        }

        if (settings.Json)
        {
            consoles.Print(JsonOutput.Serialize(summary));
            return ExitCodes.Ok;
        }

        consoles.Out.MarkupLine($"{summary.Failed} failed job(s) since {summary.Since:u}.");
        if (summary.Failed == 0)
        {
            return ExitCodes.Ok;
        }

        var counts = new Table().AddColumns("backend", "failed");
        foreach (var c in summary.ByBackend)
        {
            counts.AddRow(Markup.Escape(c.Name), c.Failed.ToString(CultureInfo.InvariantCulture));
        }

        consoles.Out.Write(counts);
        var tenants = new Table().AddColumns("tenant", "failed");
        foreach (var c in summary.ByTenant)
        {
            tenants.AddRow(Markup.Escape(c.Name), c.Failed.ToString(CultureInfo.InvariantCulture));
        }

        consoles.Out.Write(tenants);
        var list = new Table().AddColumns("job", "tenant", "backend", "failed at", "error");
        foreach (var j in summary.Jobs)
        {
            list.AddRow(j.Id.ToString(), Markup.Escape(j.Tenant), Markup.Escape(j.Backend), j.FailedAt?.ToString("u", CultureInfo.InvariantCulture) ?? string.Empty, Markup.Escape(j.Error));
        }

        consoles.Out.Write(list);
        return ExitCodes.Ok;
    }

    /// <summary>The service's summary, or why there is none (the service refused or did not answer: exit 1).</summary>
    private async Task<(FailedJobSummary? Summary, string? Error)> FromServiceAsync(Uri url, Settings settings, TimeSpan window, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(url, string.Create(CultureInfo.InvariantCulture, $"api/v1/admin/errors?sinceSeconds={(long)window.TotalSeconds}&limit={settings.Limit}"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        if ((settings.ApiKey ?? Environment.GetEnvironmentVariable("QP_API_KEY")) is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        consoles.Note($"Reading {endpoint}...");
        try
        {
            using var response = await http.GetAsync(endpoint, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                return (null, $"{endpoint} answered HTTP {(int)response.StatusCode}: {body} " +
                    ((int)response.StatusCode is 401 or 403 ? "Maybe --api-key with an admin key (qplan keys create --tenant ops --admin)." : "Maybe the service is older than this qplan, or --url is wrong."));
            }

            var summary = await response.Content.ReadFromJsonAsync<FailedJobSummary>(JsonOutput.Options, cancellationToken).ConfigureAwait(false);
            return summary is null ? (null, $"{endpoint} answered an empty body.") : (summary, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return (null, $"{endpoint} did not answer with an error summary ({ex.Message}). Maybe the service is down, or --url is wrong.");
        }
    }
}
