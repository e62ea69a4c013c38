using System.Diagnostics;
using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Observability;

/// <summary>Fills the gauges that come from the database (queue size, error rate), the process and its disk before each scrape.</summary>
internal sealed class MetricsRefresher(ServiceMetrics metrics, IJobStore store, IOptions<QuantumPlannerOptions> options, ILogger<MetricsRefresher> logger)
{
    public static readonly TimeSpan ErrorRateWindow = TimeSpan.FromMinutes(5);

    public void Register() => metrics.Registry.AddBeforeCollectCallback(RefreshAsync);

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var process = Process.GetCurrentProcess();
        metrics.MemoryUsage.Set(process.WorkingSet64);
        metrics.GcHeapAfterCollection.Set(GC.GetGCMemoryInfo().HeapSizeBytes);
        var dataDir = options.Value.ResolveDataDir();
        if (Directory.Exists(dataDir))
        {
            var drive = new DriveInfo(Path.GetFullPath(dataDir));
            metrics.DiskUsage.Set(drive.TotalSize == 0 ? 0 : (drive.TotalSize - drive.AvailableFreeSpace) / (double)drive.TotalSize);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            metrics.QueueSize.Set(await store.QueueSizeAsync(timeout.Token).ConfigureAwait(false));
            metrics.ErrorRate.Set((await store.OutcomeStatsAsync(ErrorRateWindow, timeout.Token).ConfigureAwait(false)).ErrorRate);
        }
        catch (Exception ex)
        {
            // A scrape must still answer when the database is down; the gauges keep their last values.
            Log.MetricsRefreshFailed(logger, ex);
        }
    }
}
