using System.ComponentModel;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>What the verbs that read one backup take: the backup and where pg_restore lives.</summary>
internal class BackupFileSettings : OpsSettings
{
    [CommandArgument(0, "<FILE|URL>")]
    [Description("The backup file (its manifest beside it) or s3://BUCKET/PREFIX/NAME.")]
    public string Backup { get; init; } = string.Empty;

    [CommandOption("--pg-bin <DIR>")]
    [Description("Directory of pg_restore (default: PATH, then the newest /usr/lib/postgresql/N/bin).")]
    public string? PgBin { get; init; }
}
