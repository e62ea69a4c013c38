using Microsoft.Playwright;
using QuantumPlanner.Operations.Tests.Infrastructure;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Operations.Tests;

/// <summary>
/// The HTML reports opened in headless Chromium (Playwright driving Debian's /usr/bin/chromium, never a downloaded
/// browser): the charts are there with one drawn element per value, nothing is fetched from the network, and the page prints.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class HtmlReportBrowserTests : IDisposable
{
    private readonly TempDirectories _temp = new();

    [Fact]
    public async Task PerformanceHtml_InChromium_DrawsTheThreeChartsAndPrints()
    {
        var dir = _temp.New();
        var jobs = SeededHistory.Generate(DateTimeOffset.UtcNow, count: 300);
        await SeededHistory.InsertSqliteAsync(dir, jobs);
        var html = Path.Combine(dir, "performance.html");
        var (exit, _, error) = await OpsRun.RunAsync("ops", "report", "performance", "--period", "7d", "--format", "html", "--output", html, "--data-dir", dir);
        Assert.True(exit == 0, error);

        await using var browser = await BrowserAsync();
        var page = await browser.NewPageAsync();
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        await page.GotoAsync(new Uri(html).AbsoluteUri);

        Assert.Equal(3, await page.Locator("svg.chart").CountAsync());
        // One bar segment per (day, status) that has jobs.
        var since = DateTimeOffset.UtcNow.AddDays(-7);
        var segments = jobs.Where(j => j.Created >= since)
            .Select(j => (Day: j.Created.UtcDateTime.Date, Status: j.Status is "queued" or "running" ? "pending" : j.Status)).Distinct().Count();
        Assert.Equal(segments, await page.Locator("#jobs-per-day rect.bar").CountAsync());
        Assert.Equal(3, await page.Locator("#solve-percentiles polyline.series").CountAsync());
        Assert.Equal(2, await page.Locator("#queue-wait polyline.series").CountAsync());
        Assert.Equal("Jobs per day by status", await page.Locator("#jobs-per-day title").First.TextContentAsync());
        var box = await page.Locator("#jobs-per-day").BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Width > 300 && box.Height > 100, $"chart drawn at {box.Width}x{box.Height}");
        Assert.Equal("QuantumPlanner performance report", await page.Locator("h1").TextContentAsync());
        Assert.All(requests, url => Assert.StartsWith("file://", url, StringComparison.Ordinal));

        var pdf = await page.PdfAsync(new PagePdfOptions { Format = "A4", PrintBackground = true });
        Assert.True(pdf.Length > 5_000, $"PDF of {pdf.Length} bytes");
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4));
    }

    [Fact]
    public async Task CapacityHtml_InChromium_DrawsVolumeFitUtilisationAndQueueCharts()
    {
        var dir = _temp.New();
        var jobs = SeededHistory.Generate(DateTimeOffset.UtcNow, count: 300);
        await SeededHistory.InsertSqliteAsync(dir, jobs);
        var html = Path.Combine(dir, "capacity.html");
        var (exit, _, error) = await OpsRun.RunAsync("ops", "report", "capacity", "--lookback", "30d", "--format", "html", "--output", html, "--data-dir", dir, "--hpa", Path.Combine(Repository.Root, "deploy", "k8s", "hpa.yaml"));
        Assert.True(exit == 0, error);

        await using var browser = await BrowserAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(html).AbsoluteUri);
        Assert.Equal(4, await page.Locator("svg.chart").CountAsync());
        var since = DateTimeOffset.UtcNow.AddDays(-30);
        Assert.Equal(jobs.Where(j => j.Created >= since).Select(j => j.Created.UtcDateTime.Date).Distinct().Count(), await page.Locator("#daily-volume rect.bar").CountAsync());
        Assert.Equal(2 * 31, await page.Locator("#growth-fit circle.point").CountAsync());
        Assert.Equal(2, await page.Locator("#growth-fit polyline.series").CountAsync());
        Assert.Equal(1, await page.Locator("#utilisation line.reference").CountAsync());
        Assert.Equal(1, await page.Locator("#queue-wait-trend polyline.series").CountAsync());
        Assert.Contains("(2..10)", await page.Locator("section").First.InnerTextAsync(), StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();

    private static async Task<BrowserHandle> BrowserAsync()
    {
        var executable = TestServices.Require("QP_TEST_CHROMIUM");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Root in CI containers: Chromium's sandbox needs user namespaces it may not have.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        return new BrowserHandle(playwright, browser);
    }

    private sealed class BrowserHandle(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public Task<IPage> NewPageAsync() => browser.NewPageAsync();

        public async ValueTask DisposeAsync()
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
