using System.Data.Common;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Jobs;

/// <summary>
/// A database crash and restart, on a private PostgreSQL this test creates, kills (pg_ctl -m immediate) and
/// restarts; never the shared test instance, which other test assemblies use at the same time.
/// </summary>
[RequiresService(TestServices.PostgresBinaries)]
public sealed class PostgresOutageTests : IDisposable
{
    private readonly string _binaries = Environment.GetEnvironmentVariable(TestServices.PostgresBinaries) ?? string.Empty;
    private readonly string _runAs = Environment.GetEnvironmentVariable("QP_TEST_PG_RUNAS") ?? string.Empty;
    private readonly string _data = Path.Combine("/tmp", "qp-storage-pg-" + Guid.NewGuid().ToString("N")[..12]);

    [ServiceFact]
    public async Task Store_DatabaseCrashesAndRestarts_FailsWhileDownThenServesEveryAcceptedJob()
    {
        TestServices.Require(TestServices.PostgresBinaries);
        var port = FreePort();
        await InitAndStartAsync(port);
        await using var store = StorageFactory.CreateJobStore($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=5", "unused-data-dir");
        await store.MigrateAsync();
        var accepted = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            accepted.Add((await store.EnqueueAsync(new NewJob("acme", "auto", "{}", "h", 10, i))).Job.Id);
        }

        await PgCtlAsync("-m", "immediate", "stop");

        Assert.False(await store.PingAsync());
        Assert.False(await store.MigrationsAppliedAsync());
        await Assert.ThrowsAnyAsync<DbException>(() => store.EnqueueAsync(new NewJob("acme", "auto", "{}", "h", 10, 99)));

        await PgCtlAsync("-l", Path.Combine(_data, "server.log"), "start");

        // Pooled connections died with the server; the pool replaces them, at most one failed call each.
        var up = false;
        for (var i = 0; i < 50 && !up; i++)
        {
            up = await store.PingAsync();
        }

        Assert.True(up);
        Assert.True(await store.MigrationsAppliedAsync());
        foreach (var id in accepted)
        {
            Assert.Equal(JobStatus.Queued, (await store.GetAsync("acme", id))!.Status);
        }

        Assert.True((await store.EnqueueAsync(new NewJob("acme", "auto", "{}", "h", 10, 100))).Created);
        Assert.Equal(accepted.Count + 1, await store.QueueSizeAsync());
    }

    public void Dispose()
    {
        if (File.Exists(Path.Combine(_data, "postmaster.pid")))
        {
            PgCtlAsync("-m", "immediate", "stop").GetAwaiter().GetResult();
        }

        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private async Task InitAndStartAsync(int port)
    {
        Directory.CreateDirectory(_data);
        if (_runAs.Length > 0)
        {
            await RunAsync("chown", _runAs + ":", _data);
        }

        await RunAsAsync(Path.Combine(_binaries, "initdb"), "-D", _data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await File.AppendAllTextAsync(
            Path.Combine(_data, "postgresql.conf"),
            $"\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{_data}'\nmax_connections = 50\nshared_buffers = 16MB\n");
        await PgCtlAsync("-l", Path.Combine(_data, "server.log"), "start");
    }

    private Task PgCtlAsync(params string[] arguments) =>
        RunAsAsync(Path.Combine(_binaries, "pg_ctl"), ["-D", _data, "-w", "-t", "60", .. arguments]);

    private Task RunAsAsync(string program, params string[] arguments) =>
        _runAs.Length > 0 ? RunAsync("runuser", ["-u", _runAs, "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {await error}{await output}");
        }
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
