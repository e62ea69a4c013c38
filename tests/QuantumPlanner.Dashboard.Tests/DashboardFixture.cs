using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using QuantumPlanner.Service;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Dashboard.Tests;

/// <summary>
/// The real service on a free loopback port (Kestrel, SQLite in a temporary folder, two workers) and one headless
/// Chromium (Debian's, through Playwright; never a downloaded browser) for every test; each test opens its own
/// browser context, so session storage and sign-in never leak between tests.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "qp-dashboard-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? app;
    private IPlaywright? playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Keys: tenant "acme" (plain and admin) and tenant "globex".</summary>
    public string AcmeKey { get; private set; } = null!;

    public string AcmeAdminKey { get; private set; } = null!;

    public string GlobexKey { get; private set; } = null!;

    /// <summary>Where screenshots are kept: TestResults/dashboard beside the repository's other test artefacts.</summary>
    public static string Artefacts { get; } = Directory.CreateDirectory(Path.Combine(RepositoryRoot(), "TestResults", "dashboard")).FullName;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(dataDir);
        app = ServiceApp.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--QuantumPlanner:DataDir={dataDir}",
            "--QuantumPlanner:Workers=2",
            "--QuantumPlanner:BootstrapAdminKey=false",
            "--QuantumPlanner:PollMilliseconds=50",
            "--QuantumPlanner:HeartbeatSeconds=1",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));

        var keys = app.Services.GetRequiredService<IApiKeyStore>();
        await keys.MigrateAsync();
        AcmeKey = (await keys.CreateAsync("acme", false)).PlainKey;
        AcmeAdminKey = (await keys.CreateAsync("acme", true)).PlainKey;
        GlobexKey = (await keys.CreateAsync("globex", false)).PlainKey;

        var browser = Environment.GetEnvironmentVariable("QP_TEST_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(browser))
        {
            throw new InvalidOperationException($"No Chromium at {browser}. Maybe 'source tests/services/chromium.sh' (it installs Debian's chromium), or set QP_TEST_CHROMIUM.");
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = browser,
            Headless = true,
            // Root in CI containers: Chromium's sandbox needs user namespaces it may not have.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>An HTTP client of the service with <paramref name="key"/>, for arranging and checking what the page shows.</summary>
    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; the temporary folder is cleaned eventually.
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QuantumPlanner.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
