using System.Data.Common;
using System.Runtime.InteropServices;
using System.Text.Json;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Backup;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// What the backup, archive, retention and GDPR verbs share: the store from --db/--data-dir, a check that failed
/// (<see cref="DataSafetyException"/>) printed as one line naming the file and exit code 1, progress lines on
/// stderr, and audit records for destructive steps. Everything goes through the run's injected consoles.
/// </summary>
internal abstract class AbstractDataSafetyCommand<TSettings>(Consoles consoles) : AsyncCommand<TSettings>
    where TSettings : OpsSettings
{
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        // SIGTERM (a CronJob's pod stopped, a node drained) and Ctrl+C cancel the work instead of ending the process
        // at once: a purge then stops between statements and records what it deleted before exiting 1 ("cancelled").
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void Stop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stopping.Cancel();
        }

        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            return await RunAsync(settings, stopping.Token).ConfigureAwait(false);
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

    private int Fail(OpsSettings settings, string message)
    {
        if (settings.Json)
        {
            consoles.Print(JsonOutput.Serialize(new { ok = false, error = message }));
        }

        consoles.Fail(message);
        return ExitCodes.Failure;
    }

    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken cancellationToken);

    protected static StoreLocation StoreOf(OpsSettings settings) => new(settings.Connection, settings.Directory);

    /// <summary>Where backups go when --to names no directory of its own: &lt;data-dir&gt;/backups.</summary>
    protected static string DefaultBackupDirectory(OpsSettings settings) => Path.Combine(settings.Directory, "backups");

    /// <summary>The run's streams: stdout for the result, stderr for progress and errors, stdin for a log to scan.</summary>
    protected Consoles Consoles => consoles;

    /// <summary>Human output: tables and sentences on the run's stdout.</summary>
    protected IAnsiConsole Out => consoles.Out;

    protected void Progress(string message) => consoles.Error.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

    protected static async Task AuditAsync(OpsSettings settings, string action, string? target, object details, string? tenant = null, CancellationToken cancellationToken = default)
    {
        var audit = await settings.OpenAuditAsync(cancellationToken).ConfigureAwait(false);
        await using (audit.ConfigureAwait(false))
        {
            await audit.WriteAsync(new AuditRecord(action, TenantId: tenant, Target: target, DetailsJson: JsonSerializer.Serialize(details, JsonOutput.Options)), cancellationToken).ConfigureAwait(false);
        }
    }

    protected void WriteJson<T>(T document) => consoles.Print(JsonOutput.Serialize(document));
}
