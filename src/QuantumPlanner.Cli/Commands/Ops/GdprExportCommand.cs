using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Storage.Gdpr;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>qplan ops gdpr export --tenant T [--to FILE]: every job, problem, result, key (metadata only) and audit entry of the tenant, one file.</summary>
internal sealed class GdprExportCommand(Consoles consoles) : AbstractDataSafetyCommand<GdprExportCommand.Settings>(consoles)
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--tenant <TENANT>")]
        [Description("The tenant id whose data to export.")]
        public string? Tenant { get; init; }

        [CommandOption("--to <FILE>")]
        [Description("Output file (default gdpr-export-<tenant>-<date>.jsonl.gz in the current directory).")]
        public string? To { get; init; }

        public override ValidationResult Validate() => string.IsNullOrWhiteSpace(Tenant)
            ? ValidationResult.Error("--tenant is required. Maybe qplan ops gdpr export --tenant acme.")
            : ValidationResult.Success();
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var path = settings.To ?? string.Create(CultureInfo.InvariantCulture, $"gdpr-export-{settings.Tenant}-{DateTimeOffset.UtcNow:yyyyMMdd}.jsonl.gz");
        var export = await TenantData.ExportAsync(StoreOf(settings), settings.Tenant!, path, cancellationToken).ConfigureAwait(false);
        await AuditAsync(settings, "gdpr.export", export.Path, new { export.Jobs, export.ProgressRows, export.Keys, export.AuditEntries, export.Sha256, via = "qplan ops gdpr export" }, settings.Tenant, cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            WriteJson(new { ok = true, tenant = export.Tenant, file = export.Path, jobs = export.Jobs, progressRows = export.ProgressRows, keys = export.Keys, auditEntries = export.AuditEntries, sha256 = export.Sha256 });
        }
        else
        {
            Out.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"Exported tenant {Markup.Escape(export.Tenant)} to {Markup.Escape(export.Path)}: {export.Jobs} jobs with {export.ProgressRows} progress-history rows, {export.Keys} keys (metadata only), {export.AuditEntries} audit entries; SHA-256 {export.Sha256}."));
        }

        return ExitCodes.Ok;
    }
}
