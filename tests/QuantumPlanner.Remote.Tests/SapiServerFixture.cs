using QuantumPlanner.SapiServer;

namespace QuantumPlanner.Remote.Tests;

/// <summary>One in-process test server per test class, on 127.0.0.1 and a free port.</summary>
public sealed class SapiServerFixture : IAsyncLifetime
{
    public SapiTestServer Server { get; private set; } = null!;

    public QuantumConfiguration Configuration => new() { Endpoint = Server.Endpoint, Token = Server.Options.Token };

    public async Task InitializeAsync() => Server = await SapiTestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
