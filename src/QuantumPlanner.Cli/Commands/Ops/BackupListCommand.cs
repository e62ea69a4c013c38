using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Storage.Backup;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>qplan ops backup list [--to DIR|s3://…]: the backups in a location, newest first; exit 1 when one is damaged.</summary>
internal sealed class BackupListCommand(Consoles consoles) : AbstractDataSafetyCommand<BackupListCommand.Settings>(consoles)
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--to <DIR|URL>")]
        [Description("The location backup create wrote to (default: <data-dir>/backups).")]
        public string? To { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        using var location = BackupLocations.Open(settings.To ?? DefaultBackupDirectory(settings));
        var entries = await Backups.ListAsync(location, cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var rows = entries.Select(e => new
        {
            name = e.Name,
            url = e.Url,
            store = e.Manifest?.Store,
            finishedAt = e.Manifest?.FinishedAt,
            ageHours = e.Manifest is null ? (double?)null : Math.Round((now - e.Manifest.FinishedAt).TotalHours, 2),
            sizeBytes = e.Manifest?.SizeBytes,
            jobs = e.Manifest?.Tables.FirstOrDefault(t => t.Name == "optimization_jobs")?.Rows,
            good = e.Good,
            problem = e.Problem,
        }).ToList();
        if (settings.Json)
        {
            WriteJson(new { location = location.Description, backups = rows });
        }
        else if (rows.Count == 0)
        {
            Out.MarkupLine($"No backups in {Markup.Escape(location.Description)}. Maybe 'qplan ops backup create --to {Markup.Escape(location.Description)}'.");
        }
        else
        {
            var table = new Table().AddColumns("backup", "store", "finished (UTC)", "age", "size", "jobs", "state");
            foreach (var row in rows)
            {
                table.AddRow(
                    Markup.Escape(row.name),
                    row.store ?? "?",
                    row.finishedAt?.UtcDateTime.ToString("u", CultureInfo.InvariantCulture) ?? "-",
                    row.ageHours is { } hours ? string.Create(CultureInfo.InvariantCulture, $"{hours:0.0} h") : "-",
                    row.sizeBytes is { } size ? string.Create(CultureInfo.InvariantCulture, $"{size / 1048576.0:0.0} MiB") : "-",
                    row.jobs?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    row.good ? "[green]ok[/]" : $"[red]{Markup.Escape(row.problem ?? "bad")}[/]");
            }

            Out.Write(table);
        }

        return rows.All(r => r.good) ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
