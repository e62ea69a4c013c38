using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Storage.Gdpr;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops gdpr erase --tenant T --confirm: deletes the tenant's jobs, payloads and keys, evicts its cached results
/// (Redis with --redis/QP_REDIS; running services drop in-process copies), keeps anonymous totals, writes an audit record.
/// </summary>
internal sealed class GdprEraseCommand(Consoles consoles) : AbstractDataSafetyCommand<GdprEraseCommand.Settings>(consoles)
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--tenant <TENANT>")]
        [Description("The tenant id whose data to erase.")]
        public string? Tenant { get; init; }

        [CommandOption("--confirm")]
        [Description("Required: erasing cannot be undone (except from backups, which expire by retention).")]
        public bool Confirm { get; init; }

        [CommandOption("--redis <CONNECTION>")]
        [Description("Redis of the result cache (default: QP_REDIS); without one only the database is erased.")]
        public string? Redis { get; init; }

        public string? RedisConnection => string.IsNullOrWhiteSpace(Redis) ? Environment.GetEnvironmentVariable("QP_REDIS") is { Length: > 0 } value ? value : null : Redis;

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Tenant) ? ValidationResult.Error("--tenant is required. Maybe qplan ops gdpr erase --tenant acme --confirm.")
            : !Confirm ? ValidationResult.Error($"Erasing tenant {Tenant} deletes its jobs, results and keys for good; add --confirm. Maybe export first: qplan ops gdpr export --tenant {Tenant}.")
            : ValidationResult.Success();
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var erased = await TenantData.EraseAsync(StoreOf(settings), settings.Tenant!, settings.RedisConnection, cancellationToken).ConfigureAwait(false);
        // The record names the tenant by hash only: the erased id itself is personal data.
        await AuditAsync(settings, "gdpr.erase", "tenant sha256:" + TenantData.HashTenant(erased.Tenant), new { erased.Jobs, erased.Keys, cacheKeysEvicted = erased.CacheKeysEvicted, via = "qplan ops gdpr erase" }, cancellationToken: cancellationToken).ConfigureAwait(false);
        const string Backups = "Copies in backups are not touched; they expire by backup retention (--keep-days).";
        if (settings.Json)
        {
            WriteJson(new { ok = true, tenant = erased.Tenant, jobs = erased.Jobs, keys = erased.Keys, cacheKeysEvicted = erased.CacheKeysEvicted, keptAggregates = erased.KeptAggregates, backups = Backups });
        }
        else
        {
            Out.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"Erased tenant {Markup.Escape(erased.Tenant)}: {erased.Jobs} jobs with their problems and results, {erased.Keys} keys, {erased.CacheKeysEvicted} cached results evicted; anonymous totals kept. {Backups}"));
        }

        return ExitCodes.Ok;
    }
}
