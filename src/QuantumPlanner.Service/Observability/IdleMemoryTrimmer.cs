using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;

namespace QuantumPlanner.Service.Observability;

/// <summary>
/// Gives memory back to the operating system once the service has gone idle. Under load the GC keeps the heap it grew
/// (committed but free segments, tens of MB on top of what is live); an idle replica should not hold that. Every
/// <see cref="QuantumPlannerOptions.IdleTrimSeconds"/> it looks at how much the process allocated since the last look:
/// after a busy interval followed by a quiet one it runs one aggressive (compacting, decommitting) collection.
/// Health probes and scrapes allocate far less than the quiet threshold, so they do not count as load.
/// </summary>
internal sealed partial class IdleMemoryTrimmer(IOptions<QuantumPlannerOptions> options, ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    private const long QuietBytes = 8L * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.IdleTrimSeconds;
        if (seconds <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        var allocated = GC.GetTotalAllocatedBytes();
        var busySinceTrim = true;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = GC.GetTotalAllocatedBytes();
                var quiet = now - allocated < QuietBytes;
                allocated = now;
                if (!quiet)
                {
                    busySinceTrim = true;
                    continue;
                }

                if (busySinceTrim)
                {
                    busySinceTrim = false;
                    Trim();
                    allocated = GC.GetTotalAllocatedBytes();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    private void Trim()
    {
        using var process = Process.GetCurrentProcess();
        var before = process.WorkingSet64;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        TrimNativeHeap();
        process.Refresh();
        LogTrimmed(logger, before / (1024 * 1024), process.WorkingSet64 / (1024 * 1024));
    }

    /// <summary>
    /// glibc keeps memory freed by native code (runtime, JIT, sockets) in per-thread arenas; malloc_trim hands the free
    /// pages back. Not every C library has it (musl), and it is only a saving, so its absence is ignored.
    /// </summary>
    private static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc.
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
    private static extern int MallocTrim(nuint pad);

    [LoggerMessage(21, LogLevel.Information, "Idle: returned free memory to the operating system; working set {BeforeMiB} MiB -> {AfterMiB} MiB")]
    private static partial void LogTrimmed(ILogger logger, long beforeMiB, long afterMiB);
}
