using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Storage.Backup;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops backup verify FILE|URL: manifest checksum, pg_restore --list, a restore into a scratch database (or file)
/// and equal per-table counts and checksums. PostgreSQL backups need --db for the server of the scratch database.
/// </summary>
internal sealed class BackupVerifyCommand : AbstractDataSafetyCommand<BackupVerifyCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandArgument(0, "<FILE|URL>")]
        [Description("The backup file (its manifest beside it) or s3://BUCKET/PREFIX/NAME.")]
        public string Backup { get; init; } = string.Empty;

        [CommandOption("--pg-bin <DIR>")]
        [Description("Directory of pg_restore (default: PATH, then the newest /usr/lib/postgresql/N/bin).")]
        public string? PgBin { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        Progress($"verify: {settings.Backup}");
        var verified = await Backups.VerifyAsync(settings.Backup, StoreOf(settings), settings.PgBin, cancellationToken: cancellationToken).ConfigureAwait(false);
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
        AnsiConsole.Write(table);
        return ExitCodes.Ok;
    }
}
