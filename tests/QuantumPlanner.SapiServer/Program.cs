using QuantumPlanner.SapiServer;

// Standalone: runs the test server until Ctrl+C, for trying the client by hand (qplan ops quantum-test).
var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 0;
await using var server = await SapiTestServer.StartAsync(new SapiServerOptions { Port = port });
Console.WriteLine($"QuantumPlanner__Quantum__Endpoint={server.Endpoint}");
Console.WriteLine($"QuantumPlanner__Quantum__Token={server.Options.Token}");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
await stop.Task;
