using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Storage.Retention;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops retention-audit [--report-file audit-YYYYMMDD.json]: per tenant, jobs by age band and status, the oldest,
/// payload bytes and rows past the policy, and when the last purge ran. Exit 1 when rows are past the policy.
/// </summary>
internal sealed class RetentionAuditCommand(Consoles consoles) : AbstractDataSafetyCommand<RetentionAuditCommand.Settings>(consoles)
{
    internal sealed class Settings : RetentionSettings
    {
        [CommandOption("--report-file <FILE>")]
        [Description("Also write the JSON report to this file (e.g. audit-20261201.json).")]
        public string? ReportFile { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var report = await RetentionAudit.RunAsync(StoreOf(settings), settings.PolicyDays, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        var document = new { ok = report.Ok, policyDays = report.PolicyDays, generatedAt = report.GeneratedAt, pastPolicy = report.PastPolicy, lastPurge = report.LastPurge, tenants = report.Tenants };
        if (settings.ReportFile is not null)
        {
            await File.WriteAllTextAsync(settings.ReportFile, JsonOutput.Serialize(document), cancellationToken).ConfigureAwait(false);
            Progress($"retention-audit: report written to {settings.ReportFile}");
        }

        if (settings.Json)
        {
            WriteJson(document);
        }
        else
        {
            var table = new Table().AddColumn("tenant").AddColumn("rows");
            foreach (var band in RetentionAudit.Bands)
            {
                table.AddColumn(band);
            }

            table.AddColumns("oldest (UTC)", "payload", $"past {report.PolicyDays}d");
            foreach (var tenant in report.Tenants)
            {
                var row = new List<string> { Markup.Escape(tenant.Tenant), tenant.Rows.ToString(CultureInfo.InvariantCulture) };
                row.AddRange(RetentionAudit.Bands.Select(band => tenant.Cells.Where(c => c.Band == band).Sum(c => c.Rows).ToString(CultureInfo.InvariantCulture)));
                row.Add(tenant.Oldest?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-");
                row.Add(string.Create(CultureInfo.InvariantCulture, $"{tenant.PayloadBytes / 1048576.0:0.0} MiB"));
                row.Add(tenant.PastPolicy == 0 ? "[green]0[/]" : $"[red]{tenant.PastPolicy}[/]");
                table.AddRow(row.ToArray());
            }

            Out.Write(table);
            Out.MarkupLine(report.LastPurge is { } purge
                ? string.Create(CultureInfo.InvariantCulture, $"Last purge: {purge.At.UtcDateTime:u}, {purge.Rows} jobs.")
                : "Last purge: never. Maybe schedule 'qplan ops archive --older-than 90d' (deploy/k8s/archive-cronjob.yaml).");
            Out.MarkupLine(report.Ok
                ? $"No finished job is older than the {report.PolicyDays}-day policy."
                : $"[red]{report.PastPolicy} finished jobs are older than the {report.PolicyDays}-day policy.[/] Maybe qplan ops archive --older-than {report.PolicyDays}d.");
        }

        return report.Ok ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
