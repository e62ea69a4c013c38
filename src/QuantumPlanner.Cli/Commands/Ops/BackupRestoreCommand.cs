using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Storage.Backup;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops backup restore FILE|URL --db CONN|--data-dir DIR [--force]: the runbook's staging restore. Refuses a
/// target that holds tables unless --force; checks the result against the manifest and writes an audit record there.
/// </summary>
internal sealed class BackupRestoreCommand(Consoles consoles) : AbstractDataSafetyCommand<BackupRestoreCommand.Settings>(consoles)
{
    internal sealed class Settings : BackupFileSettings
    {
        [CommandOption("--force")]
        [Description("Replace the contents of a target that is not empty (stop the service using it first).")]
        public bool Force { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var target = StoreOf(settings);
        Progress($"restore: {settings.Backup} → {target.Kind} {target.DisplayName}");
        var restored = await WorkProgress.RunAsync(Consoles.Error, settings, step =>
        {
            step("restore and compare tables");
            return Backups.RestoreAsync(settings.Backup, target, settings.Force, settings.PgBin, cancellationToken: cancellationToken);
        }).ConfigureAwait(false);
        await AuditAsync(settings, "backup.restore", restored.Url, new { restored.Manifest.Sha256, force = settings.Force, via = "qplan ops backup restore" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var jobs = restored.Manifest.Tables.FirstOrDefault(t => t.Name == "optimization_jobs")?.Rows ?? 0;
        if (settings.Json)
        {
            WriteJson(new { ok = true, url = restored.Url, target = restored.Target, restoreSeconds = restored.RestoreTime.TotalSeconds, jobs, tables = restored.Manifest.Tables });
        }
        else
        {
            Out.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"Restored {Markup.Escape(restored.Url)} into {Markup.Escape(restored.Target)} in {restored.RestoreTime.TotalSeconds:0.00} s: {restored.Manifest.Tables.Count} tables, {jobs} jobs, counts and checksums equal the manifest."));
        }

        return ExitCodes.Ok;
    }
}
