using QuantumPlanner.Service;

var app = ServiceApp.Build(args);
await app.RunAsync().ConfigureAwait(false);

/// <summary>Entry point; public so that tests can start the service with WebApplicationFactory.</summary>
public partial class Program;
