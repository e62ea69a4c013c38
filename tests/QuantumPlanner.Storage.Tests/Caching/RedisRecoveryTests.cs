using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using QuantumPlanner.Storage.Caching;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Caching;

/// <summary>
/// A Redis outage and its end, on a private redis-server this test starts and kills (never the shared one,
/// which other test assemblies use at the same time).
/// </summary>
[RequiresService(TestServices.RedisServer)]
public sealed class RedisRecoveryTests
{
    [ServiceFact]
    public async Task Calls_RedisKilledThenRestarted_MissWithoutThrowingThenHitAgain()
    {
        var server = TestServices.Require(TestServices.RedisServer);
        var port = FreePort();
        Process? redis = await StartAsync(server, port);
        try
        {
            await using var cache = new RedisResultCache($"127.0.0.1:{port}", operationTimeout: TimeSpan.FromMilliseconds(300));
            await cache.SetAsync("qp:test:before", "before", IResultCache.DefaultTtl);
            Assert.Equal("before", await cache.TryGetAsync("qp:test:before"));

            Stop(ref redis);
            var whileDown = await cache.TryGetAsync("qp:test:before");
            await cache.SetAsync("qp:test:during", "during", IResultCache.DefaultTtl);
            Assert.Null(whileDown);
            Assert.True(cache.Statistics.Errors >= 1, $"errors counted: {cache.Statistics.Errors}");

            redis = await StartAsync(server, port);
            // The multiplexer reconnects in the background; give it a bounded number of tries.
            string? after = null;
            for (var i = 0; i < 150 && after is null; i++)
            {
                await cache.SetAsync("qp:test:after", "after", IResultCache.DefaultTtl);
                after = await cache.TryGetAsync("qp:test:after");
                if (after is null)
                {
                    await Task.Delay(100);
                }
            }

            Assert.Equal("after", after);
            Assert.True(await cache.PingAsync());
        }
        finally
        {
            Stop(ref redis);
        }
    }

    private static async Task<Process> StartAsync(string server, int port)
    {
        var start = new ProcessStartInfo(server)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", string.Empty, "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"redis-server '{server}' did not start. Maybe check QP_TEST_REDIS_SERVER.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return process;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        Process? failed = process;
        Stop(ref failed);
        throw new InvalidOperationException($"redis-server did not listen on port {port} within 5 s. Maybe the port was taken; rerun.");
    }

    private static void Stop(ref Process? process)
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
        process = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
