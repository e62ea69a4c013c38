using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace QuantumPlanner.Service.Tests;

/// <summary>The PostgreSQL and Redis that tests/run starts (tests/services/*.sh); required under CI=true.</summary>
internal static class TestServices
{
    public static string? Postgres => Environment.GetEnvironmentVariable("QP_TEST_PG") is { Length: > 0 } value ? value : null;

    public static string? Redis => Environment.GetEnvironmentVariable("QP_TEST_REDIS") is { Length: > 0 } value ? value : null;

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A fresh database next to the test one, so tests never see each other's jobs.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = Postgres ?? throw new InvalidOperationException("QP_TEST_PG is not set. Maybe run the tests through tests/run, which starts PostgreSQL.");
        var name = "qp_service_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Database = "postgres" }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The repository root (the folder holding QuantumPlanner.slnx) above the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QuantumPlanner.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No QuantumPlanner.slnx above {AppContext.BaseDirectory}.");
    }

    /// <summary>qplan.dll as built beside this test run (the project reference builds it first).</summary>
    public static string QplanDll()
    {
        var bin = Path.Combine(RepositoryRoot(), "src", "QuantumPlanner.Cli", "bin");
        return new[] { "Release", "Debug" }
            .Select(c => Path.Combine(bin, c, "net10.0", "linux-x64", "qplan.dll"))
            .Where(File.Exists)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault() ?? throw new InvalidOperationException($"qplan.dll is not built under {bin}. Maybe dotnet build src/QuantumPlanner.Cli -c Release.");
    }
}

/// <summary>Skipped locally when PostgreSQL is absent; under CI=true it runs and fails instead.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestServices.Postgres is null && !TestServices.InCi)
        {
            Skip = "QP_TEST_PG is not set; run tests/run to start PostgreSQL.";
        }
    }
}

/// <summary>Needs Redis; skipped locally without it, required under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (TestServices.Redis is null && !TestServices.InCi)
        {
            Skip = "QP_TEST_REDIS is not set; run tests/run to start Redis.";
        }
    }
}

/// <summary>Needs both PostgreSQL and Redis; skipped locally without them, required under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresRedisFactAttribute : FactAttribute
{
    public PostgresRedisFactAttribute()
    {
        if ((TestServices.Postgres is null || TestServices.Redis is null) && !TestServices.InCi)
        {
            Skip = "QP_TEST_PG or QP_TEST_REDIS is not set; run tests/run to start them.";
        }
    }
}

/// <summary>
/// A TCP forwarder in front of a shared database or cache: cutting it makes the service see that server go down
/// (connections reset, new ones refused) without stopping the server other tests use.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;
    private CancellationTokenSource? running;

    public TcpProxy(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        Port = TestServices.FreePort();
        Start();
    }

    public int Port { get; }

    public void Start()
    {
        running = new CancellationTokenSource();
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _ = AcceptAsync(listener, running.Token);
    }

    /// <summary>Closes the port and every forwarded connection.</summary>
    public void Cut()
    {
        running?.Cancel();
        listener?.Stop();
        lock (open)
        {
            foreach (var client in open)
            {
                client.Dispose();
            }

            open.Clear();
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener server, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await server.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(targetHost, targetPort, cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                inbound.Dispose();
                outbound.Dispose();
                continue;
            }

            lock (open)
            {
                open.Add(inbound);
                open.Add(outbound);
            }

            _ = PumpAsync(inbound, outbound, cancellationToken);
            _ = PumpAsync(outbound, inbound, cancellationToken);
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken cancellationToken)
    {
        try
        {
            await from.GetStream().CopyToAsync(to.GetStream(), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
        {
            // The proxy was cut or a side closed.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }
}

/// <summary>A qplan child process (serve, worker, keys, loadtest) with its output captured.</summary>
internal sealed class QplanProcess : IDisposable
{
    private readonly Process process;
    private readonly System.Text.StringBuilder output = new();

    public QplanProcess(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(TestServices.QplanDll());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["QP_DB"] = string.Empty;
        start.Environment["QP_REDIS"] = string.Empty;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var child = new QplanProcess(arguments, environment);
        var exited = await child.WaitForExitAsync(timeout);
        Assert.True(exited, $"qplan {string.Join(' ', arguments)} did not finish in {timeout}: {child.Output}");
        return (child.ExitCode, child.Output);
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            process.WaitForExit();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill!.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
