using System.Globalization;

namespace QuantumPlanner.Cli.Operations;

/// <summary>CPU and memory of this machine from /proc (Linux, where the service runs); null elsewhere.</summary>
internal static class HostResources
{
    /// <summary>Busy share of all CPUs over <paramref name="interval"/> (0..100), from two reads of /proc/stat.</summary>
    public static async Task<double?> CpuPercentAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        if (ReadCpu() is not { } first)
        {
            return null;
        }

        await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
        if (ReadCpu() is not { } second || second.Total <= first.Total)
        {
            return null;
        }

        var idle = second.Idle - first.Idle;
        var total = second.Total - first.Total;
        return Math.Clamp(100.0 * (total - idle) / total, 0, 100);
    }

    /// <summary>Used share of memory (MemTotal − MemAvailable) in percent, and the total in bytes.</summary>
    public static (double UsedPercent, long TotalBytes)? Memory()
    {
        if (!File.Exists("/proc/meminfo"))
        {
            return null;
        }

        long total = 0, available = -1;
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = Kilobytes(line);
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = Kilobytes(line);
            }
        }

        return total > 0 && available >= 0 ? (100.0 * (total - available) / total, total * 1024) : null;
    }

    private static (long Idle, long Total)? ReadCpu()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }

        // "cpu  user nice system idle iowait irq softirq steal ...": idle + iowait is time not working.
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return fields.Length < 5 ? null : (fields[3] + fields[4], fields.Sum());
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
