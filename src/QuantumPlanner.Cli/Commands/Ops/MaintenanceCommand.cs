using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops maintenance on|off|status: the runbook's "switch to maintenance mode", written to the shared
/// <c>settings</c> row that every replica reads within two seconds; switching writes an audit record.
/// </summary>
internal sealed class MaintenanceCommand(IAnsiConsole console) : AsyncCommand<MaintenanceCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandArgument(0, "<on|off|status>")]
        [Description("on: refuse new jobs with 503 (reads keep working); off: accept again; status: show the state.")]
        public string Mode { get; init; } = string.Empty;

        [CommandOption("--message <TEXT>")]
        [Description("With 'on': the reason clients see (default \"Planned maintenance.\").")]
        public string? Message { get; init; }

        public override ValidationResult Validate() => Mode is "on" or "off" or "status"
            ? Message is not null && Mode != "on"
                ? ValidationResult.Error("--message goes with 'on' only. Maybe qplan ops maintenance on --message \"Database upgrade\".")
                : ValidationResult.Success()
            : ValidationResult.Error($"'{Mode}' is not on, off or status. Maybe qplan ops maintenance status.");
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var store = await settings.OpenJobsAsync(cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            var view = await MaintenanceSetting.ReadAsync(store, cancellationToken).ConfigureAwait(false);
            if (settings.Mode != "status")
            {
                view = await MaintenanceSetting.WriteAsync(store, settings.Mode == "on", settings.Message, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
                var audit = await settings.OpenAuditAsync(cancellationToken).ConfigureAwait(false);
                await using (audit.ConfigureAwait(false))
                {
                    var details = JsonOutput.Serialize(new Dictionary<string, string?> { ["message"] = view.Message, ["via"] = "qplan ops maintenance" });
                    await audit.WriteAsync(new AuditRecord(view.Enabled ? "maintenance.on" : "maintenance.off", DetailsJson: details), cancellationToken).ConfigureAwait(false);
                }
            }

            if (settings.Json)
            {
                console.Profile.Out.Writer.WriteLine(JsonOutput.Serialize(view));
            }
            else if (view.Enabled)
            {
                console.MarkupLine($"Maintenance mode is [yellow]on[/] since {view.Since?.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}: {Markup.Escape(view.Message ?? string.Empty)}");
            }
            else
            {
                console.MarkupLine("Maintenance mode is [green]off[/]: new jobs are accepted.");
            }
        }

        return ExitCodes.Ok;
    }
}
