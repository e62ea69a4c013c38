using System.ComponentModel;
using QuantumPlanner.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>qplan keys create: makes a key and prints it once.</summary>
internal sealed class KeysCreateCommand(Consoles consoles) : AsyncCommand<KeysCreateCommand.Settings>
{
    internal sealed class Settings : StoreSettings
    {
        [CommandOption("--tenant <TENANT>")]
        [Description("Tenant the key belongs to; it sees only this tenant's jobs.")]
        public string? Tenant { get; init; }

        [CommandOption("--admin")]
        [Description("The key may also use /api/v1/admin routes.")]
        public bool Admin { get; init; }

        [CommandOption("--expires-in <DURATION>")]
        [Description("The key stops working after this long (s, m, h, d or w, e.g. 90d); default never.")]
        public string? ExpiresIn { get; init; }

        [CommandOption("--json")]
        [Description("Print {\"tenant\",\"key\",\"admin\",\"id\",\"expiresAt\"}.")]
        public bool Json { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Tenant))
            {
                return ValidationResult.Error("--tenant is required. Maybe --tenant acme.");
            }

            return ExpiresIn is null || (DurationText.TryParse(ExpiresIn, out var lifetime) && lifetime > TimeSpan.Zero)
                ? ValidationResult.Success()
                : ValidationResult.Error($"--expires-in '{ExpiresIn}' is not a positive duration. Maybe --expires-in 90d.");
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var keys = await settings.OpenKeysAsync(cancellationToken).ConfigureAwait(false);
        await using (keys.ConfigureAwait(false))
        {
            DateTimeOffset? expiresAt = settings.ExpiresIn is null ? null : DateTimeOffset.UtcNow + DurationText.Parse(settings.ExpiresIn, "--expires-in");
            var created = await keys.CreateAsync(settings.Tenant!, settings.Admin, expiresAt, cancellationToken).ConfigureAwait(false);
            await KeyAudit.WriteAsync(settings, "key.create", created.Info, cancellationToken).ConfigureAwait(false);
            if (settings.Json)
            {
                consoles.Print(JsonOutput.Serialize(new Dictionary<string, object?>
                {
                    ["tenant"] = created.Info.TenantId,
                    ["key"] = created.PlainKey,
                    ["admin"] = created.Info.Admin,
                    ["id"] = created.Info.Id,
                    ["expiresAt"] = created.Info.ExpiresAt,
                }));
            }
            else
            {
                var expiry = created.Info.ExpiresAt is { } e ? $", expires {e.ToString("u", System.Globalization.CultureInfo.InvariantCulture)}" : string.Empty;
                consoles.Print($"API key for tenant '{created.Info.TenantId}'{(created.Info.Admin ? " (admin)" : string.Empty)}{expiry}, shown once: {created.PlainKey}");
            }
        }

        return ExitCodes.Ok;
    }
}

/// <summary>qplan keys list: ids, tenants, admin flag and dates; never the keys.</summary>
internal sealed class KeysListCommand(Consoles consoles) : AsyncCommand<KeysListCommand.Settings>
{
    internal sealed class Settings : StoreSettings
    {
        [CommandOption("--json")]
        public bool Json { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var keys = await settings.OpenKeysAsync(cancellationToken).ConfigureAwait(false);
        await using (keys.ConfigureAwait(false))
        {
            var list = await keys.ListAsync(cancellationToken).ConfigureAwait(false);
            if (settings.Json)
            {
                consoles.Print(JsonOutput.Serialize(list));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumn("id").AddColumn("tenant").AddColumn("admin").AddColumn("created").AddColumn("expires").AddColumn("last used").AddColumn("revoked");
            foreach (var key in list)
            {
                table.AddRow(Markup.Escape(key.Id), Markup.Escape(key.TenantId), key.Admin ? "yes" : "no", Time(key.CreatedAt), Time(key.ExpiresAt), Time(key.LastUsedAt), Time(key.RevokedAt));
            }

            consoles.Out.Write(table);
        }

        return ExitCodes.Ok;
    }

    private static string Time(DateTimeOffset? at) => at?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
}

/// <summary>qplan keys revoke ID: the key stops working (within 30 s on running services, which cache verified keys).</summary>
internal sealed class KeysRevokeCommand(Consoles consoles) : AsyncCommand<KeysRevokeCommand.Settings>
{
    internal sealed class Settings : StoreSettings
    {
        [CommandArgument(0, "<ID>")]
        [Description("Key id (from 'qplan keys list') or the whole key.")]
        public string Id { get; init; } = string.Empty;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var keys = await settings.OpenKeysAsync(cancellationToken).ConfigureAwait(false);
        await using (keys.ConfigureAwait(false))
        {
            if (!await keys.RevokeAsync(settings.Id, cancellationToken).ConfigureAwait(false))
            {
                throw new UserInputException($"No active key has id '{settings.Id}'. Maybe check 'qplan keys list'.");
            }

            // The revoke matched this id, so the key is listed; its tenant goes into the audit record.
            var id = ApiKeyId.Of(settings.Id) ?? settings.Id.Trim();
            var revoked = (await keys.ListAsync(cancellationToken).ConfigureAwait(false)).First(k => k.Id == id);
            await KeyAudit.WriteAsync(settings, "key.revoke", revoked, cancellationToken).ConfigureAwait(false);
            consoles.Print($"Revoked key {revoked.Id}.");
        }
        return ExitCodes.Ok;
    }
}

/// <summary>The audit record of a key change made from the command line (the actor is the operator, not a key).</summary>
internal static class KeyAudit
{
    public static async Task WriteAsync(StoreSettings settings, string action, ApiKeyInfo key, CancellationToken cancellationToken)
    {
        var audit = await settings.OpenAuditAsync(cancellationToken).ConfigureAwait(false);
        await using (audit.ConfigureAwait(false))
        {
            var details = JsonOutput.Serialize(new Dictionary<string, object?> { ["admin"] = key.Admin, ["expiresAt"] = key.ExpiresAt, ["via"] = "qplan keys" });
            await audit.WriteAsync(new AuditRecord(action, TenantId: key.TenantId, Target: key.Id, DetailsJson: details), cancellationToken).ConfigureAwait(false);
        }
    }
}
