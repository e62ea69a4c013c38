using QuantumPlanner.Service.Api;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Caching;

namespace QuantumPlanner.Service.Workers;

/// <summary>
/// Drops this process's copies of finished jobs and results when <c>qplan ops archive</c> or <c>gdpr erase</c> (in
/// another process) has removed jobs from the store: both bump <see cref="PurgeGeneration"/>, read here every
/// <see cref="Interval"/>. A purged job is then served at most that long from memory, never after.
/// </summary>
internal sealed partial class PurgeWatcher(IJobStore store, FinishedJobCache finished, IResultCache cache, ILogger<PurgeWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private long? _generation;

    /// <summary>Reads the generation once; true when it changed since the last read and the caches were cleared.</summary>
    internal async Task<bool> CheckAsync(CancellationToken cancellationToken)
    {
        var generation = await PurgeGeneration.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        var changed = _generation is { } previous && previous != generation;
        _generation = generation;
        if (changed)
        {
            finished.Clear();
            (cache as MemoryResultCache)?.Clear();
            LogCleared(generation);
        }

        return changed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await CheckAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A store outage is reported by the health checks; the next tick tries again.
                LogReadFailed(exception);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purge generation {Generation}: in-process job and result caches cleared")]
    private partial void LogCleared(long generation);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the purge generation failed")]
    private partial void LogReadFailed(Exception exception);
}
