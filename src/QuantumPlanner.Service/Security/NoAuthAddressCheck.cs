using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;

namespace QuantumPlanner.Service.Security;

/// <summary>
/// With --no-auth, stops the host once the server has started when any address it actually bound is not loopback
/// (<see cref="IServerAddressesFeature"/>: whatever set it, urls, Kestrel:Endpoints or ASPNETCORE_HTTP_PORTS). The
/// exception fails the host's start, so the process exits 1 naming the address. Connections that arrive meanwhile get no
/// keyless access either: <see cref="ApiKeyAuthenticationHandler"/> grants it only to loopback connections.
/// </summary>
internal sealed class NoAuthAddressCheck(IServer server, IOptions<QuantumPlannerOptions> options) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.NoAuth)
        {
            return Task.CompletedTask;
        }

        // The in-memory test server binds nothing and has no addresses feature.
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (!ServiceApp.IsLoopback(address))
            {
                throw new UnsafeBindingException($"--no-auth is refused: the server bound '{address}', which is not a loopback address, and without API keys anyone who reaches it is admin. Maybe remove the Kestrel:Endpoints / ASPNETCORE_URLS setting that binds it, or create a key with 'qplan keys create' and drop --no-auth.");
            }
        }

        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The service bound an address its settings do not allow (today: a non-loopback address with --no-auth).</summary>
public sealed class UnsafeBindingException(string message) : InvalidOperationException(message);
