using System.ComponentModel;
using QuantumPlanner.Storage.Archive;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>qplan ops archive verify FILE: manifest, SHA-256, every row parses, counts and content checksum equal, no duplicates.</summary>
internal sealed class ArchiveVerifyCommand(Consoles consoles) : AbstractDataSafetyCommand<ArchiveVerifyCommand.Settings>(consoles)
{
    internal sealed class Settings : OpsSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The archive file (archive-*.jsonl.gz, its manifest beside it).")]
        public string File { get; init; } = string.Empty;
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var verified = await Archives.VerifyAsync(Path.GetFullPath(settings.File), cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new { ok = true, file = verified.Path, checks = verified.Checks, manifest = verified.Manifest });
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumn("check").AddColumn("result");
        foreach (var check in verified.Checks)
        {
            table.AddRow(Markup.Escape(check), "[green]ok[/]");
        }

        Out.Write(table);
        return ExitCodes.Ok;
    }
}
