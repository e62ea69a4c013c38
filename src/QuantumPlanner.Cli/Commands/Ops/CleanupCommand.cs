using System.ComponentModel;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Caching;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>Where the Redis result cache is: --redis, else QP_REDIS; none means the in-memory cache of each process.</summary>
internal class CacheSettings : OpsSettings
{
    [CommandOption("--redis <CONNECTION>")]
    [Description("Redis endpoint of the result cache (default: QP_REDIS).")]
    public string? Redis { get; init; }

    public string? RedisConnection => string.IsNullOrWhiteSpace(Redis)
        ? Environment.GetEnvironmentVariable("QP_REDIS") is { Length: > 0 } fromEnvironment ? fromEnvironment : null
        : Redis;
}

/// <summary>
/// qplan ops cleanup: the runbook's monthly housekeeping. Stale result-cache keys in Redis, temp files <c>quantum_*</c>
/// older than --older-than, leftover <c>temp_optimization_*</c> tables, and running jobs whose lease expired more than
/// --stale-after ago (back to the queue). --dry-run lists without changing anything; otherwise one audit record.
/// </summary>
internal sealed class CleanupCommand(Consoles consoles) : AsyncCommand<CleanupCommand.Settings>
{
    internal sealed class Settings : CacheSettings
    {
        [CommandOption("--temp-dir <DIR>")]
        [Description("Folder of the quantum_* temporary files (default: the system temp folder).")]
        public string? TempDir { get; init; }

        [CommandOption("--older-than <DURATION>")]
        [Description("Temp files untouched this long are removed (default 1d).")]
        public string OlderThan { get; init; } = "1d";

        [CommandOption("--stale-after <DURATION>")]
        [Description("A lease expired this long ago is stale: its job goes back to the queue (default 10m).")]
        public string StaleAfter { get; init; } = "10m";

        [CommandOption("--dry-run")]
        [Description("List what would go; change nothing.")]
        public bool DryRun { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var olderThan = DurationText.Parse(settings.OlderThan, "--older-than");
        var staleAfter = DurationText.Parse(settings.StaleAfter, "--stale-after");
        var tempDir = settings.TempDir ?? Path.GetTempPath();
        if (!System.IO.Directory.Exists(tempDir))
        {
            throw new UserInputException($"--temp-dir '{tempDir}' does not exist. Maybe --temp-dir /tmp.");
        }

        var files = OldTempFiles(tempDir, DateTime.UtcNow - olderThan);
        if (!settings.DryRun)
        {
            foreach (var file in files)
            {
                if (System.IO.Directory.Exists(file))
                {
                    System.IO.Directory.Delete(file, recursive: true);
                }
                else
                {
                    File.Delete(file);
                }
            }
        }

        IReadOnlyList<string> tables;
        IReadOnlyList<Guid> requeued;
        var store = settings.OpenOperations();
        await using (store.ConfigureAwait(false))
        {
            tables = await store.DropTempTablesAsync(settings.DryRun, cancellationToken).ConfigureAwait(false);
            requeued = await store.RequeueStaleLeasesAsync(staleAfter, settings.DryRun, cancellationToken).ConfigureAwait(false);
        }

        long? cacheKeys = null;
        if (settings.RedisConnection is { } redis)
        {
            var cache = await CacheMaintenance.ConnectAsync(redis).ConfigureAwait(false);
            await using (cache.ConfigureAwait(false))
            {
                cacheKeys = await cache.RemoveStaleAsync(settings.DryRun).ConfigureAwait(false);
            }
        }

        var summary = new { dryRun = settings.DryRun, tempFiles = files, tempTables = tables, requeuedJobs = requeued, staleCacheKeys = cacheKeys };
        if (!settings.DryRun)
        {
            var audit = await settings.OpenAuditAsync(cancellationToken).ConfigureAwait(false);
            await using (audit.ConfigureAwait(false))
            {
                await audit.WriteAsync(new AuditRecord("ops.cleanup", DetailsJson: JsonOutput.Serialize(new { tempFiles = files.Count, tempTables = tables, requeuedJobs = requeued, staleCacheKeys = cacheKeys })), cancellationToken).ConfigureAwait(false);
            }
        }

        if (settings.Json)
        {
            consoles.Print(JsonOutput.Serialize(summary));
            return ExitCodes.Ok;
        }

        var verb = settings.DryRun ? "would remove" : "removed";
        var table = new Table().AddColumns("what", settings.DryRun ? "would go" : "done");
        table.AddRow("temp files quantum_*", $"{files.Count} {verb}");
        table.AddRow("temp tables temp_optimization_*", $"{tables.Count} {(settings.DryRun ? "would be dropped" : "dropped")}{(tables.Count > 0 ? ": " + Markup.Escape(string.Join(", ", tables)) : string.Empty)}");
        table.AddRow("stale leases", $"{requeued.Count} job(s) {(settings.DryRun ? "would go" : "went")} back to the queue");
        table.AddRow("stale cache keys", cacheKeys is { } keys ? $"{keys} {verb}" : "no Redis (--redis / QP_REDIS): the in-memory cache expires entries itself");
        consoles.Out.Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>Top-level quantum_* files and folders of <paramref name="directory"/> last written before <paramref name="before"/>.</summary>
    private static List<string> OldTempFiles(string directory, DateTime before) =>
        [.. new DirectoryInfo(directory).EnumerateFileSystemInfos("quantum_*")
            .Where(entry => entry.LastWriteTimeUtc < before)
            .Select(entry => entry.FullName)
            .Order(StringComparer.Ordinal)];
}

/// <summary>qplan ops cache flush: removes this service's result-cache keys from Redis (--all: FLUSHDB, the runbook's command).</summary>
internal sealed class CacheFlushCommand(Consoles consoles) : AsyncCommand<CacheFlushCommand.Settings>
{
    internal sealed class Settings : CacheSettings
    {
        [CommandOption("--all")]
        [Description("Empty the whole Redis database (FLUSHDB), other applications' keys included; asks first, or --yes.")]
        public bool All { get; init; }

        [CommandOption("--yes")]
        [Description("With --all: do not ask.")]
        public bool Yes { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.RedisConnection is not { } redis)
        {
            throw new UserInputException("No Redis given (--redis or QP_REDIS). The in-memory result cache lives inside each service process; restarting the process empties it.");
        }

        if (settings.All && !settings.Yes && !consoles.Confirm($"FLUSHDB on {redis} removes every key in that database, not only QuantumPlanner's. Continue? [y/N] "))
        {
            consoles.Note("Not flushed. Maybe without --all (only this service's keys), or --all --yes.");
            return ExitCodes.BadInput;
        }

        var cache = await CacheMaintenance.ConnectAsync(redis).ConfigureAwait(false);
        long removed;
        await using (cache.ConfigureAwait(false))
        {
            removed = await cache.FlushAsync(settings.All).ConfigureAwait(false);
        }

        var audit = await settings.OpenAuditAsync(cancellationToken).ConfigureAwait(false);
        await using (audit.ConfigureAwait(false))
        {
            await audit.WriteAsync(new AuditRecord("cache.flush", Target: settings.All ? "redis database" : CacheMaintenance.ServicePattern, DetailsJson: JsonOutput.Serialize(new { removed, all = settings.All })), cancellationToken).ConfigureAwait(false);
        }

        consoles.Print(settings.Json
            ? JsonOutput.Serialize(new { removed, all = settings.All })
            : settings.All ? $"Flushed the Redis database ({removed} keys)." : $"Removed {removed} QuantumPlanner cache key(s) ({CacheMaintenance.ServicePattern}); other keys kept.");
        return ExitCodes.Ok;
    }
}
