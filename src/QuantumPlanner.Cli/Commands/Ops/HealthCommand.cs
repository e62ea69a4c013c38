using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using QuantumPlanner.Cli.Operations;
using QuantumPlanner.Storage;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops health: the runbook's daily health check in one command. The service's /health is judged by the status in
/// its JSON (a degraded service answers 200), then the store is checked directly (connect + migrations), then this
/// machine's CPU, memory and the disks of the data directory and the database. ✓ ok, ⚠ warning, ✗ failure; exit 1 on any ✗.
/// </summary>
internal sealed class HealthCommand(Consoles consoles) : AsyncCommand<HealthCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--url <URL>")]
        [Description("Base URL of a running service whose /health to read (default: QP_URL; none: skip the API checks).")]
        public string? Url { get; init; }

        [CommandOption("--cpu-threshold <PERCENT>")]
        [Description("CPU busy above this is a warning (default 80).")]
        public double CpuThreshold { get; init; } = 80;

        [CommandOption("--disk-threshold <PERCENT>")]
        [Description("A disk fuller than this is a failure (default 85).")]
        public double DiskThreshold { get; init; } = 85;

        [CommandOption("--memory-threshold <PERCENT>")]
        [Description("Memory used above this is a warning (default 90).")]
        public double MemoryThreshold { get; init; } = 90;

        public string? EffectiveUrl => string.IsNullOrWhiteSpace(Url) ? NullIfEmpty(Environment.GetEnvironmentVariable("QP_URL")) : Url;

        private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var checks = new List<CheckLine>();
        if (settings.EffectiveUrl is { } url)
        {
            checks.AddRange(await ServiceChecksAsync(url, cancellationToken).ConfigureAwait(false));
        }

        var databaseDirectory = await DatabaseChecksAsync(settings, checks, cancellationToken).ConfigureAwait(false);
        var cpu = await HostResources.CpuPercentAsync(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
        checks.Add(cpu is { } busy
            ? new CheckLine("cpu", busy < settings.CpuThreshold ? CheckMark.Ok : CheckMark.Warning, $"{busy:0.0} % busy (threshold {settings.CpuThreshold:0} %)")
            : new CheckLine("cpu", CheckMark.Warning, "not measurable here (no /proc/stat)"));
        checks.Add(HostResources.Memory() is { } memory
            ? new CheckLine("memory", memory.UsedPercent < settings.MemoryThreshold ? CheckMark.Ok : CheckMark.Warning, $"{memory.UsedPercent:0.0} % of {CapacityReportView.Bytes(memory.TotalBytes)} used (threshold {settings.MemoryThreshold:0} %)")
            : new CheckLine("memory", CheckMark.Warning, "not measurable here (no /proc/meminfo)"));
        if (settings.Connection is null || System.IO.Directory.Exists(settings.Directory))
        {
            checks.Add(DiskLine("disk: data directory", settings.Directory, settings.DiskThreshold));
        }

        if (databaseDirectory is not null && settings.Connection is not null)
        {
            checks.Add(DiskLine("disk: database volume", databaseDirectory, settings.DiskThreshold));
        }

        var failed = checks.Any(c => c.Mark == CheckMark.Failure);
        if (settings.Json)
        {
            consoles.Print(JsonOutput.Serialize(new { healthy = !failed, checks }));
        }
        else
        {
            CheckTable.Write(consoles.Out, checks);
            consoles.Print(CheckTable.Verdict(checks, "Unhealthy", "Healthy"));
        }

        return failed ? ExitCodes.Failure : ExitCodes.Ok;
    }

    /// <summary>The API's overall status and each check /health reports (database, cache, maintenance, quantum samplers).</summary>
    private async Task<IReadOnlyList<CheckLine>> ServiceChecksAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url.TrimEnd('/') + "/health", UriKind.Absolute, out var endpoint))
        {
            throw new UserInputException($"--url '{url}' is not an absolute URL. Maybe --url http://127.0.0.1:8080.");
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        consoles.Note($"Reading {endpoint}...");
        JsonDocument document;
        int code;
        try
        {
            using var response = await http.GetAsync(endpoint, cancellationToken).ConfigureAwait(false);
            code = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            document = JsonDocument.Parse(body);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return [new CheckLine("api", CheckMark.Failure, $"{endpoint} did not answer with health JSON ({ex.GetType().Name}: {ex.Message}). Maybe the service is down, or --url is wrong.")];
        }

        using (document)
        {
            var root = document.RootElement;
            var status = root.TryGetProperty("status", out var s) ? s.GetString() ?? "unknown" : "unknown";
            var lines = new List<CheckLine> { new("api", Mark(status), $"HTTP {code}, status {status}") };
            if (root.TryGetProperty("checks", out var entries) && entries.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in entries.EnumerateObject())
                {
                    var entryStatus = entry.Value.TryGetProperty("status", out var es) ? es.GetString() ?? "unknown" : "unknown";
                    var description = entry.Value.TryGetProperty("description", out var d) ? d.GetString() : null;
                    lines.Add(new CheckLine("service: " + entry.Name, Mark(entryStatus), description ?? entryStatus));
                    if (entry.Name == "quantum" && entry.Value.TryGetProperty("data", out var samplers) && samplers.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var sampler in samplers.EnumerateObject())
                        {
                            var verdict = sampler.Value.ValueKind == JsonValueKind.String ? sampler.Value.GetString() : sampler.Value.ToString();
                            lines.Add(new CheckLine("quantum backend: " + sampler.Name, verdict == "ok" ? CheckMark.Ok : CheckMark.Warning, verdict ?? string.Empty));
                        }
                    }
                }
            }

            return lines;
        }
    }

    /// <summary>Connect + migrations on the store itself; returns the database's local directory when it has one.</summary>
    private static async Task<string?> DatabaseChecksAsync(Settings settings, List<CheckLine> checks, CancellationToken cancellationToken)
    {
        var kind = StorageFactory.KindOf(settings.Connection);
        if (settings.Connection is null && !File.Exists(StorageFactory.SqlitePath(settings.Directory)))
        {
            checks.Add(new CheckLine("database", CheckMark.Failure, $"no SQLite store at {StorageFactory.SqlitePath(settings.Directory)}. Maybe --data-dir of the service, or --db for PostgreSQL."));
            return null;
        }

        var store = StorageFactory.CreateOperationsStore(settings.Connection, settings.Directory);
        await using (store.ConfigureAwait(false))
        {
            var (ok, error) = await store.PingAsync(cancellationToken).ConfigureAwait(false);
            if (!ok)
            {
                checks.Add(new CheckLine("database", CheckMark.Failure, $"{kind} does not answer: {error}"));
                return null;
            }

            var migrated = await store.MigrationsAppliedAsync(cancellationToken).ConfigureAwait(false);
            checks.Add(migrated
                ? new CheckLine("database", CheckMark.Ok, $"{kind} answers; migrations applied")
                : new CheckLine("database", CheckMark.Failure, $"{kind} answers but migrations are missing. Maybe 'qplan db migrate'."));
            return (await store.FootprintAsync(cancellationToken).ConfigureAwait(false)).LocalDirectory;
        }
    }

    private static CheckLine DiskLine(string name, string directory, double threshold)
    {
        var usage = DiskUsage.Of(directory);
        return new CheckLine(name, usage.UsedPercent < threshold ? CheckMark.Ok : CheckMark.Failure,
            string.Create(CultureInfo.InvariantCulture, $"{directory}: {usage.UsedPercent:0.0} % used, {CapacityReportView.Bytes(usage.FreeBytes)} free (threshold {threshold:0} %)"));
    }

    private static CheckMark Mark(string status) => status switch
    {
        "Healthy" => CheckMark.Ok,
        "Degraded" => CheckMark.Warning,
        _ => CheckMark.Failure,
    };
}
