using System.ComponentModel;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// What every <c>qplan ops</c> verb takes (DESIGN.md §6): the store as for serve (<c>--db</c>/QP_DB, else SQLite in
/// <c>--data-dir</c>) and <c>--json</c> for one JSON document on stdout. Progress goes to stderr.
/// </summary>
internal class OpsSettings : StoreSettings
{
    [CommandOption("--json")]
    [Description("Print one JSON document on stdout instead of a table.")]
    public bool Json { get; init; }
}
