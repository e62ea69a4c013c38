using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>qplan keys create: makes a key and prints it once.</summary>
internal sealed class KeysCreateCommand : AsyncCommand<KeysCreateCommand.Settings>
{
    internal sealed class Settings : StoreSettings
    {
        [CommandOption("--tenant <TENANT>")]
        [Description("Tenant the key belongs to; it sees only this tenant's jobs.")]
        public string? Tenant { get; init; }

        [CommandOption("--admin")]
        [Description("The key may also use /api/v1/admin routes.")]
        public bool Admin { get; init; }

        [CommandOption("--json")]
        [Description("Print {\"tenant\",\"key\",\"admin\"}.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() => string.IsNullOrWhiteSpace(Tenant)
            ? ValidationResult.Error("--tenant is required. Maybe --tenant acme.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var keys = await settings.OpenKeysAsync(cancellationToken).ConfigureAwait(false);
        await using (keys.ConfigureAwait(false))
        {
            var created = await keys.CreateAsync(settings.Tenant!, settings.Admin, cancellationToken).ConfigureAwait(false);
            if (settings.Json)
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["tenant"] = created.Info.TenantId, ["key"] = created.PlainKey, ["admin"] = created.Info.Admin }));
            }
            else
            {
                Console.Out.WriteLine($"API key for tenant '{created.Info.TenantId}'{(created.Info.Admin ? " (admin)" : string.Empty)}, shown once: {created.PlainKey}");
            }
        }

        return ExitCodes.Ok;
    }
}

/// <summary>qplan keys list: ids, tenants, admin flag and dates; never the keys.</summary>
internal sealed class KeysListCommand : AsyncCommand<KeysListCommand.Settings>
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
                Console.Out.WriteLine(JsonSerializer.Serialize(list, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumn("id").AddColumn("tenant").AddColumn("admin").AddColumn("created").AddColumn("revoked");
            foreach (var key in list)
            {
                table.AddRow(Markup.Escape(key.Id), Markup.Escape(key.TenantId), key.Admin ? "yes" : "no", key.CreatedAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture), key.RevokedAt?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
            }

            AnsiConsole.Write(table);
        }

        return ExitCodes.Ok;
    }
}

/// <summary>qplan keys revoke ID: the key stops working (within 30 s on running services, which cache verified keys).</summary>
internal sealed class KeysRevokeCommand : AsyncCommand<KeysRevokeCommand.Settings>
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
        }

        Console.Out.WriteLine($"Revoked key {settings.Id}.");
        return ExitCodes.Ok;
    }
}
