using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Storage.Backup;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops backup create [--to DIR|s3://BUCKET/PREFIX] [--keep-days 7]: the runbook's daily 02:00 backup, with a
/// manifest beside it, optional upload to object storage and retention that keeps the newest good backup.
/// </summary>
internal sealed class BackupCreateCommand(Consoles consoles) : AbstractDataSafetyCommand<BackupCreateCommand.Settings>(consoles)
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--to <DIR|URL>")]
        [Description("A directory, or s3://BUCKET/PREFIX to upload to (default: <data-dir>/backups).")]
        public string? To { get; init; }

        [CommandOption("--local-dir <DIR>")]
        [Description("With an s3:// --to: where the local copy is written first (default: <data-dir>/backups).")]
        public string? LocalDir { get; init; }

        [CommandOption("--keep-days <DAYS>")]
        [Description("Delete backups older than this, never the newest good one (default 7; 0 keeps only the newest).")]
        public int KeepDays { get; init; } = 7;

        [CommandOption("--pg-bin <DIR>")]
        [Description("Directory of pg_dump and pg_restore (default: PATH, then the newest /usr/lib/postgresql/N/bin).")]
        public string? PgBin { get; init; }

        public override ValidationResult Validate() =>
            KeepDays < 0 ? ValidationResult.Error($"--keep-days {KeepDays} is negative. Maybe --keep-days 7.")
            : LocalDir is not null && (To is null || !BackupLocations.IsS3(To)) ? ValidationResult.Error("--local-dir goes with an s3:// --to only. Maybe --to s3://my-bucket/backups --local-dir /var/backups.")
            : ValidationResult.Success();
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var remote = settings.To is not null && BackupLocations.IsS3(settings.To) ? settings.To : null;
        var local = remote is null ? settings.To ?? DefaultBackupDirectory(settings) : settings.LocalDir ?? DefaultBackupDirectory(settings);
        var store = StoreOf(settings);
        Progress($"backup: {store.Kind} {store.DisplayName} → {local}{(remote is null ? string.Empty : " → " + remote)}");
        var created = await WorkProgress.RunAsync(Consoles.Error, settings, step =>
        {
            step(remote is null ? "backup" : "backup and upload");
            return Backups.CreateAsync(
                new BackupCreateOptions { Store = store, LocalDirectory = local, Remote = remote, KeepDays = settings.KeepDays, PgBin = settings.PgBin },
                cancellationToken);
        }).ConfigureAwait(false);
        foreach (var deleted in created.Deleted)
        {
            await AuditAsync(settings, "backup.delete", deleted, new { reason = $"older than {settings.KeepDays} days", via = "qplan ops backup create" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var manifest = created.Manifest;
        var seconds = (manifest.FinishedAt - manifest.StartedAt).TotalSeconds;
        if (settings.Json)
        {
            WriteJson(new { ok = true, file = created.LocalPath, url = created.RemoteUrl, seconds, manifest, deleted = created.Deleted });
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumn("backup").AddColumn("value");
        table.AddRow("file", Markup.Escape(created.LocalPath));
        if (created.RemoteUrl is not null)
        {
            table.AddRow("uploaded", Markup.Escape(created.RemoteUrl));
        }

        table.AddRow("size", string.Create(CultureInfo.InvariantCulture, $"{manifest.SizeBytes / 1048576.0:0.0} MiB"));
        table.AddRow("sha256", manifest.Sha256);
        table.AddRow("schema version", manifest.SchemaVersion?.ToString(CultureInfo.InvariantCulture) ?? "-");
        table.AddRow("took", string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s"));
        foreach (var t in manifest.Tables)
        {
            table.AddRow($"rows {Markup.Escape(t.Name)}", t.Rows.ToString(CultureInfo.InvariantCulture));
        }

        table.AddRow("deleted (retention)", created.Deleted.Count == 0 ? "none" : Markup.Escape(string.Join(", ", created.Deleted)));
        Out.Write(table);
        return ExitCodes.Ok;
    }
}
