using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace QuantumPlanner.Dashboard.Tests;

/// <summary>
/// One browser context on the dashboard: records every console error, page error and failed request (a CSP refusal
/// is a console error), signs in, runs axe-core and keeps screenshots.
/// </summary>
internal sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext context;

    private DashboardPage(IBrowserContext context, IPage page)
    {
        this.context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => Errors.Add($"page error: {error}");
    }

    public IPage Page { get; }

    /// <summary>Console and page errors seen so far; tests that expect an error response (401, 404) say which.</summary>
    public List<string> Errors { get; } = [];

    public static async Task<DashboardPage> OpenAsync(DashboardFixture fixture)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1500, Height = 1000 },
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return new DashboardPage(context, page);
    }

    /// <summary>Opens the dashboard and signs in with <paramref name="key"/>; the submit page shows after.</summary>
    public async Task<IResponse?> SignInAsync(string key)
    {
        var response = await Page.GotoAsync("/");
        await Page.FillAsync("#api-key", key);
        await Page.ClickAsync("#signin-form button[type=submit]");
        await Page.Locator("#view-submit").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        return response;
    }

    /// <summary>axe-core over the page as it is: the serious and critical violations, described (empty when none).</summary>
    public async Task<List<string>> AccessibilityProblemsAsync()
    {
        var result = await Page.RunAxe();
        return [.. result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join("; ", v.Nodes.Select(n => n.Target + " " + n.Html))}")];
    }

    /// <summary>Fails naming each serious or critical axe-core violation, with the elements it found.</summary>
    public async Task AssertAccessibleAsync()
    {
        var problems = await AccessibilityProblemsAsync();
        Assert.True(problems.Count == 0, "axe-core: " + string.Join("\n", problems));
    }

    /// <summary>Fails naming each console or page error except those containing one of <paramref name="expected"/>.</summary>
    public void AssertNoErrors(params string[] expected)
    {
        var errors = UnexpectedErrors(expected);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardFixture.Artefacts, name + ".png"), FullPage = true });

    /// <summary>The errors other than those <paramref name="expected"/> names a part of.</summary>
    public List<string> UnexpectedErrors(params string[] expected) =>
        [.. Errors.Where(e => !expected.Any(x => e.Contains(x, StringComparison.Ordinal)))];

    public async ValueTask DisposeAsync() => await context.CloseAsync();
}
