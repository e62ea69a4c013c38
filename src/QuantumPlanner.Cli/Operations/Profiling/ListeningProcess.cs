using System.Globalization;

namespace QuantumPlanner.Cli.Operations.Profiling;

/// <summary>
/// The local process that listens on a URL's port, found the way <c>ss -ltnp</c> does: the listening sockets of
/// /proc/net/tcp and tcp6, then the process whose file descriptors hold one of them. EventPipe reaches only
/// processes on this machine, so <c>ops profile --url</c> resolves the URL to a pid here instead of over the network.
/// </summary>
internal static class ListeningProcess
{
    private const string ListenState = "0A";

    /// <summary>The pid listening on <paramref name="url"/>'s port, or a <see cref="UserInputException"/> saying why not.</summary>
    public static int Resolve(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsLoopback && !IsLocalHost(url.Host))
        {
            throw new UserInputException($"--url {url} is not on this machine: EventPipe traces only local processes. Maybe run it where the service runs: kubectl exec deploy/quantum-planner -- qplan ops profile --pid 1.");
        }

        var port = url.Port;
        var inodes = ListeningInodes(port);
        if (inodes.Count == 0)
        {
            throw new UserInputException($"No process on this machine listens on port {port} (from --url {url}). Maybe the service is not running, or give its process id: --pid $(pgrep -f 'qplan serve').");
        }

        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (HoldsSocket(Path.Combine(process, "fd"), inodes))
            {
                return pid;
            }
        }

        throw new UserInputException($"Port {port} is listened on, but by no process this user may inspect. Maybe run qplan ops profile as the service's user, or give --pid.");
    }

    private static bool IsLocalHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || string.Equals(host, Environment.MachineName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Socket inodes in LISTEN state on <paramref name="port"/>, IPv4 and IPv6.</summary>
    private static HashSet<string> ListeningInodes(int port)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != ListenState)
                {
                    continue;
                }

                var local = fields[1];
                var colon = local.LastIndexOf(':');
                if (colon > 0 && int.TryParse(local.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var listening) && listening == port)
                {
                    inodes.Add(fields[9]);
                }
            }
        }

        return inodes;
    }

    private static bool HoldsSocket(string fdDirectory, HashSet<string> inodes)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries(fdDirectory))
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(target[8..^1]))
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // Another user's process, or one that exited while we looked: not ours to trace.
        }

        return false;
    }
}
