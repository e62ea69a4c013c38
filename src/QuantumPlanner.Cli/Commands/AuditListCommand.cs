using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Cli.Commands.Ops;
using QuantumPlanner.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>qplan audit list: the audit log, newest first.</summary>
internal sealed class AuditListCommand(IAnsiConsole console) : AsyncCommand<AuditListCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--since <DURATION|TIME>")]
        [Description("Only entries this recent (24h, 7d) or at or after this ISO 8601 time.")]
        public string? Since { get; init; }

        [CommandOption("--action <ACTION>")]
        [Description("Only this action, e.g. key.create or archive.purge.")]
        public string? Action { get; init; }

        [CommandOption("--tenant <TENANT>")]
        [Description("Only entries about this tenant.")]
        public string? Tenant { get; init; }

        [CommandOption("--limit <N>")]
        [Description("Most entries to show (default 100).")]
        public int Limit { get; init; } = 100;

        public override ValidationResult Validate() => Limit is < 1 or > AuditQuery.MaxLimit
            ? ValidationResult.Error($"--limit {Limit} must be between 1 and {AuditQuery.MaxLimit}. Maybe --limit 100.")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var query = new AuditQuery(ParseSince(settings.Since), settings.Action, settings.Tenant, settings.Limit);
        var audit = await settings.OpenAuditAsync(cancellationToken).ConfigureAwait(false);
        await using (audit.ConfigureAwait(false))
        {
            var entries = await audit.ListAsync(query, cancellationToken).ConfigureAwait(false);
            if (settings.Json)
            {
                console.Profile.Out.Writer.WriteLine(JsonOutput.Serialize(new { entries }));
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumn("id").AddColumn("at (UTC)").AddColumn("action").AddColumn("actor").AddColumn("tenant").AddColumn("target").AddColumn("details");
            foreach (var entry in entries)
            {
                table.AddRow(
                    entry.Id.ToString(CultureInfo.InvariantCulture),
                    entry.At.UtcDateTime.ToString("u", CultureInfo.InvariantCulture),
                    Markup.Escape(entry.Action),
                    Markup.Escape(entry.ActorKeyId ?? "-"),
                    Markup.Escape(entry.TenantId ?? "-"),
                    Markup.Escape(entry.Target ?? "-"),
                    Markup.Escape(entry.DetailsJson ?? string.Empty));
            }

            console.Write(table);
            console.MarkupLine($"{entries.Count} entr{(entries.Count == 1 ? "y" : "ies")}.");
        }

        return ExitCodes.Ok;
    }

    private static DateTimeOffset? ParseSince(string? since)
    {
        if (since is null)
        {
            return null;
        }

        if (DurationText.TryParse(since, out var ago))
        {
            return DateTimeOffset.UtcNow - ago;
        }

        return DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new UserInputException($"--since '{since}' is neither a duration nor a time. Maybe --since 24h or --since 2026-12-01T00:00:00Z.");
    }
}
