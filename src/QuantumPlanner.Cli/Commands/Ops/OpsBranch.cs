using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// The <c>qplan ops</c> verbs of the maintenance runbook. Each group registers itself in a file of its own
/// (<c>OpsBranch.&lt;Group&gt;.cs</c>), so the groups grow without touching each other.
/// </summary>
internal static partial class OpsBranch
{
    public static void Register(IConfigurator config) => config.AddBranch("ops", ops =>
    {
        ops.SetDescription("Runbook procedures: health, reports, database care, backups, archive, retention, GDPR, audits.");
        ops.AddCommand<MaintenanceCommand>("maintenance").WithDescription("Switch maintenance mode on or off, or show it.")
            .WithExample("ops", "maintenance", "on", "--message", "Database upgrade until 03:00 UTC");
        RegisterDataSafety(ops);
        RegisterOperating(ops);
        RegisterQuantum(ops);
    });

    /// <summary>Backups, restore drills, archive, retention and GDPR (issue 12).</summary>
    static partial void RegisterDataSafety(IConfigurator<CommandSettings> ops);

    /// <summary>Health, errors, reports, database care, cleanup, security audit, profiling, maintenance (issue 13).</summary>
    static partial void RegisterOperating(IConfigurator<CommandSettings> ops);

    /// <summary>Remote annealer checks (issue 14).</summary>
    static partial void RegisterQuantum(IConfigurator<CommandSettings> ops);
}
