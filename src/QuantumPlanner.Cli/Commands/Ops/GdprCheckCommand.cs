using System.ComponentModel;
using QuantumPlanner.Storage.Gdpr;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops gdpr check [--log-file FILE]: the runbook's gdpr_compliance_check: retention configured, last purge
/// recent, no payload older than the policy, erasures completed, no problem content in the log. Exit 1 on any failure.
/// </summary>
internal sealed class GdprCheckCommand(Consoles consoles) : AbstractDataSafetyCommand<GdprCheckCommand.Settings>(consoles)
{
    internal sealed class Settings : RetentionSettings
    {
        [CommandOption("--log-file <FILE>")]
        [Description("A service log to scan for problem content; - reads standard input (a pipe).")]
        public string? LogFile { get; init; }

        [CommandOption("--max-purge-age-days <DAYS>")]
        [Description("The last purge must be at most this old (default 2: the archive CronJob runs daily).")]
        public int MaxPurgeAgeDays { get; init; } = 2;
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        // Standard input is not ours to close: only a file opened here is disposed.
        using var file = settings.LogFile switch
        {
            null or "-" => null,
            var path when File.Exists(path) => new StreamReader(path),
            var path => throw new UserInputException($"--log-file {path} does not exist. Maybe kubectl logs deploy/quantum-planner > service.log first, or pipe it in: kubectl logs deploy/quantum-planner | qplan ops gdpr check --log-file -."),
        };
        var log = settings.LogFile == "-" ? Consoles.In : file;
        var logName = settings.LogFile == "-" ? "standard input" : settings.LogFile;
        var checks = await TenantData.CheckAsync(StoreOf(settings), settings.PolicyDays, settings.PolicyConfigured, settings.MaxPurgeAgeDays, log, logName, cancellationToken).ConfigureAwait(false);
        var ok = checks.All(c => c.Passed != false);
        if (settings.Json)
        {
            WriteJson(new { ok, checks });
        }
        else
        {
            var table = new Table().AddColumns("check", "result", "detail");
            foreach (var check in checks)
            {
                table.AddRow(Markup.Escape(check.Name), check.Passed switch { true => "[green]ok[/]", false => "[red]failed[/]", null => "[grey]skipped[/]" }, Markup.Escape(check.Detail));
            }

            Out.Write(table);
        }

        return ok ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
