using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using QuantumPlanner.Service;

namespace QuantumPlanner.Operations.Tests.Infrastructure;

/// <summary>The real service on a free loopback port (Kestrel, not a test server), so ops verbs reach it over HTTP.</summary>
internal sealed class RunningService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningService(WebApplication app, string url) => (_app, Url) = (app, url);

    public string Url { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RunningService> StartAsync(string dataDir, string? db = null, bool noAuth = true, params string[] settings)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();
        var app = ServiceApp.Build(
        [
            "--urls", url,
            "--QuantumPlanner:DataDir=" + dataDir,
            "--QuantumPlanner:Db=" + (db ?? string.Empty),
            "--QuantumPlanner:NoAuth=" + (noAuth ? "true" : "false"),
            "--QuantumPlanner:BootstrapAdminKey=false",
            "--QuantumPlanner:Workers=1",
            "--Logging:LogLevel:Default=Information",
            .. settings,
        ]);
        await app.StartAsync();
        return new RunningService(app, url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
