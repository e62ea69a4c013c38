using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops errors: the failed jobs of a period with their error, counted by backend and by tenant, from the store
/// (the same as the runbook's <c>kubectl logs -l app=quantum-planner --since=24h | grep ERROR</c>, without the logs).
/// </summary>
internal sealed class ErrorsCommand : AsyncCommand<ErrorsCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--since <DURATION>")]
        [Description("How far back, by completion time (default 24h).")]
        public string Since { get; init; } = "24h";

        [CommandOption("--limit <N>")]
        [Description("Most failed jobs to list (default 50; the counts cover all).")]
        public int Limit { get; init; } = 50;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var since = DateTimeOffset.UtcNow - DurationText.Parse(settings.Since, "--since");
        var store = settings.OpenOperations();
        await using (store.ConfigureAwait(false))
        {
            var failed = await store.FailedJobsAsync(since, cancellationToken).ConfigureAwait(false);
            var byBackend = failed.GroupBy(j => j.Backend, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ErrorCount(g.Key, g.Count())).ToList();
            var byTenant = failed.GroupBy(j => j.TenantId, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ErrorCount(g.Key, g.Count())).ToList();
            var jobs = failed.Take(Math.Max(0, settings.Limit))
                .Select(j => new FailedJob(j.Id, j.TenantId, j.Backend, j.CompletedAt, j.Error ?? string.Empty)).ToList();
            if (settings.Json)
            {
                Console.Out.WriteLine(JsonOutput.Serialize(new { since, failed = failed.Count, byBackend, byTenant, jobs }));
                return ExitCodes.Ok;
            }

            var console = Consoles.Stdout;
            console.MarkupLine($"{failed.Count} failed job(s) since {since:u}.");
            if (failed.Count == 0)
            {
                return ExitCodes.Ok;
            }

            var counts = new Table().AddColumns("backend", "failed");
            byBackend.ForEach(c => counts.AddRow(Markup.Escape(c.Name), c.Failed.ToString(CultureInfo.InvariantCulture)));
            console.Write(counts);
            var tenants = new Table().AddColumns("tenant", "failed");
            byTenant.ForEach(c => tenants.AddRow(Markup.Escape(c.Name), c.Failed.ToString(CultureInfo.InvariantCulture)));
            console.Write(tenants);
            var list = new Table().AddColumns("job", "tenant", "backend", "failed at", "error");
            jobs.ForEach(j => list.AddRow(j.Id.ToString(), Markup.Escape(j.Tenant), Markup.Escape(j.Backend), j.FailedAt?.ToString("u", CultureInfo.InvariantCulture) ?? string.Empty, Markup.Escape(j.Error)));
            console.Write(list);
        }

        return ExitCodes.Ok;
    }

    internal sealed record ErrorCount(string Name, int Failed);

    internal sealed record FailedJob(Guid Id, string Tenant, string Backend, DateTimeOffset? FailedAt, string Error);
}
