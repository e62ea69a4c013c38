using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Storage.Archive;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>qplan ops archive restore FILE: verifies the archive, then puts back the jobs that are not in the store (idempotent).</summary>
internal sealed class ArchiveRestoreCommand(Consoles consoles) : AbstractDataSafetyCommand<ArchiveRestoreCommand.Settings>(consoles)
{
    internal sealed class Settings : OpsSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The archive file (archive-*.jsonl.gz, its manifest beside it).")]
        public string File { get; init; } = string.Empty;
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var store = StoreOf(settings);
        Progress($"archive restore: {settings.File} → {store.Kind} {store.DisplayName}");
        var restored = await WorkProgress.RunAsync(Consoles.Error, settings, step =>
        {
            step("verify and restore the archive");
            return Archives.RestoreAsync(Path.GetFullPath(settings.File), store, cancellationToken: cancellationToken);
        }).ConfigureAwait(false);
        await AuditAsync(settings, "archive.restore", restored.Path, new { inserted = restored.Inserted, skipped = restored.Skipped, progressInserted = restored.ProgressInserted, via = "qplan ops archive restore" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new { ok = true, file = restored.Path, inserted = restored.Inserted, skipped = restored.Skipped, progressInserted = restored.ProgressInserted });
        }
        else
        {
            Out.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"Restored {restored.Inserted} jobs and {restored.ProgressInserted} progress-history rows from {Markup.Escape(restored.Path)}; {restored.Skipped} jobs were already present and skipped."));
        }

        return ExitCodes.Ok;
    }
}
