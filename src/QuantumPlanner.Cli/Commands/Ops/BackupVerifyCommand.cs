using System.Globalization;
using QuantumPlanner.Storage.Backup;
using Spectre.Console;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops backup verify FILE|URL: manifest checksum, pg_restore --list, a restore into a scratch database (or file)
/// and equal per-table counts and checksums. PostgreSQL backups need --db for the server of the scratch database.
/// </summary>
internal sealed class BackupVerifyCommand(Consoles consoles) : AbstractDataSafetyCommand<BackupFileSettings>(consoles)
{
    protected override async Task<int> RunAsync(BackupFileSettings settings, CancellationToken cancellationToken)
    {
        Progress($"verify: {settings.Backup}");
        var verified = await WorkProgress.RunAsync(Consoles.Error, settings, step =>
        {
            step("verify: checksum, restore into scratch, compare tables");
            return Backups.VerifyAsync(settings.Backup, StoreOf(settings), settings.PgBin, cancellationToken: cancellationToken);
        }).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new { ok = true, url = verified.Url, checks = verified.Checks, restoreSeconds = verified.RestoreTime.TotalSeconds, manifest = verified.Manifest });
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumn("check").AddColumn("result");
        foreach (var check in verified.Checks)
        {
            table.AddRow(Markup.Escape(check), "[green]ok[/]");
        }

        table.AddRow("scratch restore time", string.Create(CultureInfo.InvariantCulture, $"{verified.RestoreTime.TotalSeconds:0.00} s"));
        Out.Write(table);
        return ExitCodes.Ok;
    }
}
