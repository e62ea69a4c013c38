using System.Globalization;

namespace QuantumPlanner.Service.Tests.Faults;

/// <summary>
/// A redis-server of one fault test's own, started by tests/services/redis.sh itself (the same flags as the shared
/// instance: no persistence, daemonized with a pid file) on a free port, so the test may kill -9 it.
/// </summary>
internal sealed class OwnRedis : IAsyncDisposable
{
    private readonly string start;
    private readonly string cli;

    private OwnRedis(int port, string start, string cli)
    {
        Port = port;
        this.start = start;
        this.cli = cli;
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    private string Directory => $"/tmp/qp-test-redis-{Port}";

    public static async Task<OwnRedis> StartAsync()
    {
        var port = TestServices.FreePort();
        var script = Path.Combine(TestServices.RepositoryRoot(), "tests", "services", "redis.sh");
        var (code, stdout, stderr) = await Tools.RunAsync(
            "bash",
            ["-c", "source \"$1\" >&2 || exit 1; printf '%s\\n' \"$QP_TEST_REDIS_START\" \"$QP_TEST_REDIS_CLI\"", "redis.sh", script],
            new Dictionary<string, string> { ["QP_TEST_REDIS_PORT"] = port.ToString(CultureInfo.InvariantCulture) });
        if (code != 0)
        {
            throw new InvalidOperationException($"tests/services/redis.sh could not start a redis-server on port {port}: {stderr}");
        }

        var lines = stdout.Split('\n');
        return new OwnRedis(port, lines[0], lines[1]);
    }

    /// <summary>SIGKILL, as an OOM kill or a node loss would: no shutdown, every connection reset.</summary>
    public async Task KillAsync()
    {
        var pid = (await File.ReadAllTextAsync(Path.Combine(Directory, "redis.pid"))).Trim();
        var (code, _, stderr) = await Tools.RunAsync("kill", ["-KILL", pid]);
        if (code != 0)
        {
            throw new InvalidOperationException($"kill -KILL {pid} (redis-server on port {Port}) failed: {stderr}");
        }

        for (var i = 0; i < 100 && await PingAsync(); i++)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Starts it again with redis.sh's command line (empty: no persistence) and waits for PONG.</summary>
    public async Task StartAgainAsync()
    {
        var (code, _, stderr) = await Tools.RunAsync("bash", ["-c", start]);
        if (code != 0)
        {
            throw new InvalidOperationException($"redis-server on port {Port} did not start again: {stderr}");
        }

        for (var i = 0; i < 100 && !await PingAsync(); i++)
        {
            await Task.Delay(50);
        }
    }

    public async Task<bool> PingAsync() => (await CliAsync("ping")).Trim() == "PONG";

    /// <summary>The keys matching <paramref name="pattern"/> (SCAN, never KEYS).</summary>
    public async Task<IReadOnlyList<string>> ScanAsync(string pattern) =>
        (await CliAsync("--scan", "--pattern", pattern)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public async ValueTask DisposeAsync()
    {
        if (await PingAsync())
        {
            await CliAsync("shutdown", "nosave");
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private async Task<string> CliAsync(params string[] arguments)
    {
        var (_, stdout, _) = await Tools.RunAsync(cli, ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), .. arguments]);
        return stdout;
    }
}
