using System.Globalization;

namespace QuantumPlanner.Cli.Operations.Leaks;

/// <summary>One reading of a process's memory while the leak check runs; a figure the source cannot give is null.</summary>
internal sealed record MemorySample(int Jobs, double Seconds, double? RssBytes, double? GcHeapBytes, double? Handles);

/// <summary>
/// Where the readings come from: the service's <c>/metrics</c> (quantum_planner_gc_heap_bytes, the heap after the last
/// collection, else prometheus-net's dotnet_total_memory_bytes with its garbage; process_working_set_bytes,
/// process_open_handles) and, with a pid on this machine, <c>/proc/PID</c> (VmRSS and the
/// open file descriptors), which is exact for that one process and wins over the gauges.
/// </summary>
internal sealed class MemorySource(HttpClient? http, Uri? metrics, int? pid)
{
    public string Describe() => string.Join(" + ", new[] { metrics?.ToString(), pid is { } p ? $"/proc/{p}" : null }.OfType<string>());

    public async Task<MemorySample> ReadAsync(int jobs, double seconds, CancellationToken cancellationToken)
    {
        double? rss = null, heap = null, handles = null;
        if (http is not null && metrics is not null)
        {
            var text = await http.GetStringAsync(metrics, cancellationToken).ConfigureAwait(false);
            var gauges = ParseGauges(text);
            rss = gauges.GetValueOrDefault("process_working_set_bytes");
            // Before the first collection the after-collection heap is 0: no reading yet, rather than a drop to nothing.
            heap = gauges.TryGetValue("quantum_planner_gc_heap_bytes", out var afterGc)
                ? afterGc is > 0 ? afterGc : null
                : gauges.GetValueOrDefault("dotnet_total_memory_bytes");
            handles = gauges.GetValueOrDefault("process_open_handles");
        }

        if (pid is { } id)
        {
            var (procRss, procHandles) = ReadProc(id);
            rss = procRss ?? rss;
            handles = procHandles ?? handles;
        }

        return new MemorySample(jobs, seconds, rss, heap, handles);
    }

    /// <summary>Unlabelled samples of the Prometheus text format: "name value".</summary>
    public static Dictionary<string, double?> ParseGauges(string text)
    {
        var gauges = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#' || line.Contains('{', StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                gauges[parts[0]] = value;
            }
        }

        return gauges;
    }

    private static (double? Rss, double? Handles) ReadProc(int pid)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            throw new UserInputException($"There is no process {pid} on this machine (no {status}). Maybe --url alone, or the pid from pgrep -f 'qplan serve'.");
        }

        double? rss = null;
        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                rss = double.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        double? handles = null;
        try
        {
            handles = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's process: its descriptors are not ours to count; the gauge (if any) stands in.
        }

        return (rss, handles);
    }
}
