using System.ComponentModel;
using System.Data.Common;
using System.Globalization;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Archive;
using QuantumPlanner.Storage.Backup;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops archive --older-than 90d [--status completed,failed] [--to DIR|s3://…] [--dry-run] [--batch 5000] [--max-rate ROWS]: the
/// runbook's 90-day purge, made safe: finished jobs are archived, verified and only then deleted; a rerun after a
/// kill finishes the interrupted archive first. Writes an archive.purge audit record.
/// </summary>
internal sealed class ArchiveCommand(Consoles consoles) : AbstractDataSafetyCommand<ArchiveCommand.Settings>(consoles)
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--older-than <AGE>")]
        [Description("Archive jobs created longer ago than this (e.g. 90d).")]
        public string? OlderThan { get; init; }

        [CommandOption("--status <LIST>")]
        [Description("Comma-separated statuses to archive (default completed,failed; queued and running are refused).")]
        public string Status { get; init; } = "completed,failed";

        [CommandOption("--to <DIR|URL>")]
        [Description("A directory, or s3://BUCKET/PREFIX to upload the complete archive to (default: <data-dir>/archives).")]
        public string? To { get; init; }

        [CommandOption("--dry-run")]
        [Description("Count what would be archived; change nothing.")]
        public bool DryRun { get; init; }

        [CommandOption("--batch <ROWS>")]
        [Description("Rows per verified batch and delete transaction (default 5000).")]
        public int Batch { get; init; } = 5000;

        [CommandOption("--max-rate <ROWS>")]
        [Description("Delete at most this many rows per second (pauses between batches) so the service on the same store keeps answering (default: no cap).")]
        public double? MaxRate { get; init; }

        public override ValidationResult Validate()
        {
            if (OlderThan is null)
            {
                return ValidationResult.Error("--older-than is required. Maybe qplan ops archive --older-than 90d --dry-run.");
            }

            if (!DurationText.TryParse(OlderThan, out _))
            {
                return ValidationResult.Error($"--older-than '{OlderThan}' is not a duration. Maybe --older-than 90d.");
            }

            if (Batch < 1)
            {
                return ValidationResult.Error($"--batch {Batch} must be at least 1. Maybe --batch 5000.");
            }

            if (MaxRate is { } rate && !(rate > 0 && double.IsFinite(rate)))
            {
                return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--max-rate {rate} must be a positive number of rows per second. Maybe --max-rate 5000."));
            }

            foreach (var name in Status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!JobStatusNames.TryParse(name, out var status))
                {
                    return ValidationResult.Error($"--status '{name}' is not a job status. Maybe --status completed,failed,cancelled.");
                }

                if (!status.IsFinished())
                {
                    return ValidationResult.Error($"--status {name}: only finished jobs (completed, failed, cancelled) can be archived; a {name} job still changes.");
                }
            }

            return ValidationResult.Success();
        }

        public IReadOnlyList<JobStatus> Statuses =>
            [.. Status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(JobStatusNames.Parse)];
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var remote = settings.To is not null && BackupLocations.IsS3(settings.To) ? settings.To : null;
        var directory = remote is null ? settings.To ?? Path.Combine(settings.Directory, "archives") : Path.Combine(settings.Directory, "archives");
        var olderThan = DurationText.Parse(settings.OlderThan!, "--older-than");
        var store = StoreOf(settings);
        Progress($"archive: {store.Kind} {store.DisplayName}, jobs older than {DurationText.Format(olderThan)} ({settings.Status}) → {directory}{(remote is null ? string.Empty : " → " + remote)}");
        long deleted = 0;
        ArchiveRun run;
        try
        {
            run = await RunArchiveAsync(settings, store, directory, remote, olderThan, rows => Interlocked.Add(ref deleted, rows), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (Interlocked.Read(ref deleted) > 0 && exception is DataSafetyException or DbException or IOException or OperationCanceledException)
        {
            // Rows went before the run stopped (a failure, SIGTERM, Ctrl+C): they are in the verified part of the open
            // archive, which the next run finishes; the record says how many left the store now.
            await AuditInterruptedAsync(settings, remote ?? directory, Interlocked.Read(ref deleted), exception).ConfigureAwait(false);
            throw;
        }

        foreach (var resumed in run.Resumed)
        {
            await AuditAsync(settings, "archive.purge", resumed.Path, new { resumed = true, rows = resumed.Rows, progressRows = resumed.ProgressRows, deleted = resumed.Deleted, via = "qplan ops archive" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (run.Manifest is { } manifest)
        {
            await AuditAsync(settings, "archive.purge", run.RemoteUrl ?? run.Path, new { rows = manifest.Rows, progressRows = manifest.ProgressRows, deleted = run.Deleted, cutoff = run.Cutoff, statuses = manifest.Statuses, via = "qplan ops archive" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (settings.Json)
        {
            WriteJson(new { ok = true, dryRun = run.DryRun, cutoff = run.Cutoff, matching = run.Matching, archived = run.Manifest?.Rows ?? 0, deleted = run.Deleted, file = run.Path, url = run.RemoteUrl, resumed = run.Resumed.Select(r => r.Path), manifest = run.Manifest });
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("status", "rows", "payload");
        foreach (var count in run.Matching)
        {
            table.AddRow(count.Status, count.Rows.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"{count.PayloadBytes / 1048576.0:0.0} MiB"));
        }

        table.Caption(string.Create(CultureInfo.InvariantCulture, $"jobs created before {run.Cutoff.UtcDateTime:u}"));
        Out.Write(table);
        foreach (var resumed in run.Resumed)
        {
            Out.MarkupLine($"Finished the interrupted archive {Markup.Escape(resumed.Path)}.");
        }

        Out.MarkupLine(run.DryRun
            ? "Dry run: nothing was archived or deleted."
            : run.Manifest is null
                ? "Nothing to archive."
                : string.Create(CultureInfo.InvariantCulture, $"Archived {run.Manifest.Rows} jobs ({run.Manifest.ProgressRows} progress-history rows) to {Markup.Escape(run.RemoteUrl ?? run.Path!)} and deleted {run.Deleted} after verifying them."));
        return ExitCodes.Ok;
    }

    private Task<ArchiveRun> RunArchiveAsync(Settings settings, StoreLocation store, string directory, string? remote, TimeSpan olderThan, Action<long> deleted, CancellationToken cancellationToken) =>
        WorkProgress.RunAsync(Consoles.Error, settings, step => Archives.RunAsync(
            new ArchiveOptions
            {
                Store = store,
                Directory = directory,
                Remote = remote,
                OlderThan = olderThan,
                Statuses = settings.Statuses,
                DryRun = settings.DryRun,
                BatchSize = settings.Batch,
                MaxRowsPerSecond = settings.MaxRate,
                Progress = step(settings.DryRun ? "count" : remote is null ? "archive, verify, delete" : "archive, verify, upload, delete"),
                Deleted = deleted,
            },
            cancellationToken));

    private static async Task AuditInterruptedAsync(Settings settings, string target, long deleted, Exception exception)
    {
        try
        {
            // Not the run's token: it may be the cancellation that stopped the run.
            await AuditAsync(settings, "archive.purge", target, new { deleted, interrupted = exception.Message, via = "qplan ops archive" }).ConfigureAwait(false);
        }
        catch (DbException)
        {
            // The store that failed the purge holds the audit log too; the error the run reports matters more, and
            // the next run's record names the archive it finishes.
        }
    }
}
