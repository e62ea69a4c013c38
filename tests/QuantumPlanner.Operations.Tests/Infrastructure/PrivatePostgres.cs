using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Operations.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL of one test's own (initdb in /tmp, a free port), for tests that stop the server or change its
/// configuration (ALTER SYSTEM): never the shared instance, which other test assemblies use at the same time.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _binaries = TestServices.Require(TestServices.PostgresBinaries);
    private readonly string _runAs = Environment.GetEnvironmentVariable("QP_TEST_PG_RUNAS") ?? string.Empty;
    private readonly string _data = Path.Combine("/tmp", "qp-ops-pg-" + Guid.NewGuid().ToString("N")[..12]);

    private PrivatePostgres(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=quantum_planner;Timeout=5";

    /// <summary>Initialises and starts a server; <paramref name="statements"/> loads pg_stat_statements like the shared one.</summary>
    public static async Task<PrivatePostgres> StartAsync(bool statements = false)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = new PrivatePostgres(((IPEndPoint)listener.LocalEndpoint).Port);
        listener.Stop();
        Directory.CreateDirectory(server._data);
        if (server._runAs.Length > 0)
        {
            await RunAsync("chown", server._runAs + ":", server._data);
        }

        await server.AsOwnerAsync("initdb", "-D", server._data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await File.AppendAllTextAsync(Path.Combine(server._data, "postgresql.conf"),
            $"\nlisten_addresses = '127.0.0.1'\nport = {server.Port}\nunix_socket_directories = '{server._data}'\nmax_connections = 30\nshared_buffers = 16MB\n" +
            (statements ? "shared_preload_libraries = 'pg_stat_statements'\n" : string.Empty));
        await server.StartAsync();
        return server;
    }

    public Task StartAsync() => AsOwnerAsync("pg_ctl", "-D", _data, "-w", "-t", "60", "-l", Path.Combine(_data, "server.log"), "start");

    public Task StopAsync() => AsOwnerAsync("pg_ctl", "-D", _data, "-w", "-t", "60", "-m", "fast", "stop");

    /// <summary>postgresql.auto.conf, where ALTER SYSTEM writes.</summary>
    public string AutoConf => File.ReadAllText(Path.Combine(_data, "postgresql.auto.conf"));

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(_data, "postmaster.pid")))
        {
            await AsOwnerAsync("pg_ctl", "-D", _data, "-w", "-m", "immediate", "stop");
        }

        Directory.Delete(_data, recursive: true);
    }

    private Task AsOwnerAsync(string tool, params string[] arguments) => _runAs.Length > 0
        ? RunAsync("runuser", ["-u", _runAs, "--", Path.Combine(_binaries, tool), .. arguments])
        : RunAsync(Path.Combine(_binaries, tool), arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await error}{await output}");
        }
    }
}
