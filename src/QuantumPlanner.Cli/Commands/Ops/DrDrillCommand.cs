using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Storage.Backup;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops dr-drill: the runbook's quarterly test_backup_restore. Creates a backup, restores it into scratch,
/// verifies it, and reports RPO (age of the newest good backup before the drill: the data a disaster now would lose)
/// and RTO (the measured restore time). Exit 1 when any check fails.
/// </summary>
internal sealed class DrDrillCommand(Consoles consoles) : AbstractDataSafetyCommand<DrDrillCommand.Settings>(consoles)
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--to <DIR|URL>")]
        [Description("Where the drill's backup goes and earlier backups are looked for (default: <data-dir>/backups).")]
        public string? To { get; init; }

        [CommandOption("--pg-bin <DIR>")]
        [Description("Directory of pg_dump and pg_restore.")]
        public string? PgBin { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var store = StoreOf(settings);
        var to = settings.To ?? DefaultBackupDirectory(settings);
        var remote = BackupLocations.IsS3(to) ? to : null;
        BackupEntry? previous;
        using (var location = BackupLocations.Open(to))
        {
            previous = (await Backups.ListAsync(location, cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(e => e.Good && e.Manifest!.Store == store.Kind && e.Manifest.Source == store.DisplayName);
        }

        var drillStart = DateTimeOffset.UtcNow;
        BackupVerified? verified = null;
        string? failure = null;
        var created = await WorkProgress.RunAsync(Consoles.Error, settings, async step =>
        {
            step("1/2 back up");
            var backup = await Backups.CreateAsync(
                new BackupCreateOptions { Store = store, LocalDirectory = remote is null ? to : DefaultBackupDirectory(settings), Remote = remote, KeepDays = null, PgBin = settings.PgBin },
                cancellationToken).ConfigureAwait(false);
            step("2/2 restore into scratch and verify");
            try
            {
                verified = await Backups.VerifyAsync(backup.RemoteUrl ?? backup.LocalPath, store, settings.PgBin, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (DataSafetyException exception)
            {
                failure = exception.Message;
            }

            return backup;
        }).ConfigureAwait(false);
        var url = created.RemoteUrl ?? created.LocalPath;

        var report = new
        {
            ok = failure is null,
            backup = url,
            previousBackup = previous?.Url,
            previousBackupAt = previous?.Manifest?.FinishedAt,
            rpoSeconds = previous?.Manifest is { } manifest ? Math.Round((drillStart - manifest.FinishedAt).TotalSeconds, 1) : (double?)null,
            backupSeconds = Math.Round((created.Manifest.FinishedAt - created.Manifest.StartedAt).TotalSeconds, 3),
            rtoSeconds = verified is null ? (double?)null : Math.Round(verified.RestoreTime.TotalSeconds, 3),
            sizeBytes = created.Manifest.SizeBytes,
            rows = created.Manifest.Tables.Sum(t => t.Rows),
            checks = verified?.Checks ?? [],
            error = failure,
        };
        if (settings.Json)
        {
            WriteJson(report);
        }
        else
        {
            var table = new Table().AddColumn("dr-drill").AddColumn("value");
            table.AddRow("backup", Markup.Escape(report.backup));
            table.AddRow("RPO (newest good backup before the drill)", report.rpoSeconds is { } rpo
                ? string.Create(CultureInfo.InvariantCulture, $"{rpo / 3600:0.00} h ({Markup.Escape(report.previousBackup!)})")
                : "no earlier backup: a disaster before this drill would have lost everything");
            table.AddRow("backup time", string.Create(CultureInfo.InvariantCulture, $"{report.backupSeconds:0.00} s"));
            table.AddRow("RTO (measured restore)", report.rtoSeconds is { } rto ? string.Create(CultureInfo.InvariantCulture, $"{rto:0.00} s") : "-");
            table.AddRow("size", string.Create(CultureInfo.InvariantCulture, $"{report.sizeBytes / 1048576.0:0.0} MiB, {report.rows} rows"));
            foreach (var check in report.checks)
            {
                table.AddRow(Markup.Escape(check), "[green]ok[/]");
            }

            table.AddRow("result", failure is null ? "[green]passed[/]" : $"[red]{Markup.Escape(failure)}[/]");
            Out.Write(table);
        }

        return failure is null ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
