using System.Data.Common;
using System.Text.Json;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Backup;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// What the backup, archive, retention and GDPR verbs share: the store from --db/--data-dir, a check that failed
/// (<see cref="DataSafetyException"/>) printed as one line naming the file and exit code 1, progress lines on
/// stderr, and audit records for destructive steps.
/// </summary>
internal abstract class AbstractDataSafetyCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : OpsSettings
{
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (DataSafetyException exception)
        {
            return Fail(settings, exception.Message);
        }
        catch (DbException exception)
        {
            var store = StoreOf(settings);
            return Fail(settings, $"{store.Kind} {store.DisplayName}: {exception.Message}. Maybe check --db (or QP_DB) and that the database is up.");
        }
    }

    private static int Fail(OpsSettings settings, string message)
    {
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonOutput.Serialize(new { ok = false, error = message }));
        }

        Consoles.Stderr.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return ExitCodes.Failure;
    }

    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken cancellationToken);

    protected static StoreLocation StoreOf(OpsSettings settings) => new(settings.Connection, settings.Directory);

    /// <summary>Where backups go when --to names no directory of its own: &lt;data-dir&gt;/backups.</summary>
    protected static string DefaultBackupDirectory(OpsSettings settings) => Path.Combine(settings.Directory, "backups");

    /// <summary>Human output: tables and sentences on stdout (a console over Console.Out, so tests that redirect it read them).</summary>
    protected static IAnsiConsole Out => Consoles.Stdout;

    protected static void Progress(string message) => Consoles.Stderr.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

    protected static async Task AuditAsync(OpsSettings settings, string action, string? target, object details, string? tenant = null, CancellationToken cancellationToken = default)
    {
        var audit = await settings.OpenAuditAsync(cancellationToken).ConfigureAwait(false);
        await using (audit.ConfigureAwait(false))
        {
            await audit.WriteAsync(new AuditRecord(action, TenantId: tenant, Target: target, DetailsJson: JsonSerializer.Serialize(details, JsonOutput.Options)), cancellationToken).ConfigureAwait(false);
        }
    }

    protected static void WriteJson<T>(T document) => Console.Out.WriteLine(JsonOutput.Serialize(document));
}
