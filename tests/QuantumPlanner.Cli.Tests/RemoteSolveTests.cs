using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Cli.Tests;

/// <summary>qplan solve --url: the CLI through the typed client against a real service listening on a loopback port.</summary>
public sealed class RemoteSolveTests : IAsyncLifetime
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "qplan-remote-" + Guid.NewGuid().ToString("N"));
    private WebApplication app = null!;
    private string url = null!;
    private string key = null!;

    public async Task InitializeAsync()
    {
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        }

        Directory.CreateDirectory(dataDir);
        app = ServiceApp.Build(["--urls", url, "--QuantumPlanner:DataDir=" + dataDir, "--QuantumPlanner:BootstrapAdminKey=false", "--QuantumPlanner:Workers=1", "--QuantumPlanner:Db=", "--QuantumPlanner:Redis=", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var keys = app.Services.GetRequiredService<IApiKeyStore>();
        await keys.MigrateAsync();
        key = (await keys.CreateAsync("acme", false)).PlainKey;
    }

    public async Task DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; the temp folder is cleaned eventually.
        }
    }

    [Fact]
    public async Task Solve_WithUrlAndKey_PrintsThePlanTheServiceSolved()
    {
        var (exit, output) = await CliRun.RunAsync("solve", CliRun.Example("software-sprint.json"), "--url", url, "--api-key", key, "--format", "json", "--time-limit", "1", "--seed", "4");

        Assert.Equal(ExitCodes.Ok, exit);
        var plan = PlanningJson.DeserializePlan(output);
        Assert.Contains(plan.Status, new[] { "optimal", "feasible" });
        Assert.Empty(plan.Score.Violations);
        using var client = new Client.QuantumPlannerClient(new Uri(url), new Client.QuantumPlannerClientOptions { ApiKey = key });
        var list = await client.ListAsync();
        var job = Assert.Single(list.Items);
        Assert.Equal("completed", job.Status);
        Assert.Equal(4, job.Seed);
    }

    [Fact]
    public async Task Solve_WithUrlAndKeyFromEnvironment_PrintsTheTable()
    {
        Environment.SetEnvironmentVariable("QP_API_KEY", key);
        try
        {
            var (exit, output) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--url", url, "--time-limit", "1");

            Assert.Equal(ExitCodes.Ok, exit);
            Assert.Contains("Backend", output, StringComparison.Ordinal);
            Assert.Contains("train-transformer", output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("QP_API_KEY", null);
        }
    }

    [Fact]
    public async Task Solve_WithUrlAndWrongKey_ExitsWithBadInputAndSaysHowToGetOne()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("software-sprint.json"), "--url", url, "--api-key", "qp_wrong", "--time-limit", "1");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("401", error, StringComparison.Ordinal);
        Assert.Contains("--api-key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_WithUrlOverTheServicesTimeLimit_ExitsWithBadInputNamingTheLimit()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("software-sprint.json"), "--url", url, "--api-key", key, "--time-limit", "86400");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("MaxTimeLimitSeconds", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_WithUrlNobodyListensOn_ExitsWithFailureAndSuggestsServe()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("software-sprint.json"), "--url", "http://127.0.0.1:1", "--api-key", key, "--time-limit", "1");

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("qplan serve", error, StringComparison.Ordinal);
    }
}
