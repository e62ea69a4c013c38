using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using QuantumPlanner.Service.Tests;

namespace QuantumPlanner.Dashboard.Tests;

/// <summary>An operator's pages: health, backends, metrics and maintenance; the jobs list; a running job cancelled.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OperationsTests(DashboardFixture fixture)
{
    [Fact]
    public async Task OperationsPage_ShowsHealthBackendsAndQueue_AndAdminTurnsMaintenanceOnAndOff()
    {
        await using var dashboard = await DashboardPage.OpenAsync(fixture);
        var page = dashboard.Page;
        await dashboard.SignInAsync(fixture.AcmeAdminKey);
        Assert.Equal("Tenant acme (admin)", await page.TextContentAsync("#who"));
        await page.GotoAsync("/#/ops");
        await page.Locator("#health-table tr[data-check='quantum']").WaitForAsync();
        await page.Locator("#backends-table tr[data-backend='greedy']").WaitForAsync();

        using var client = fixture.Client(fixture.AcmeAdminKey);
        var backends = (await client.GetFromJsonAsync<JsonObject>("/api/v1/backends"))!["backends"]!.AsArray();
        Assert.Equal(backends.Count, await page.Locator("#backends-table tbody tr").CountAsync());
        foreach (var check in new[] { "database", "quantum", "cache", "maintenance", "draining" })
        {
            Assert.Equal(1, await page.Locator($"#health-table tr[data-check='{check}']").CountAsync());
        }

        Assert.Matches("^[0-9]", await page.TextContentAsync("#metric-queue .value") ?? string.Empty);
        var maintenance = page.Locator("#maintenance");
        Assert.True(await maintenance.IsVisibleAsync());
        await page.WaitForFunctionAsync("() => document.querySelector('#maintenance-toggle').dataset.enabled !== undefined");
        Assert.Equal("Turn on", await page.TextContentAsync("#maintenance-toggle"));
        await page.FillAsync("#maintenance-message", "Database upgrade.");
        await page.ClickAsync("#maintenance-toggle");
        await page.WaitForFunctionAsync("() => document.querySelector('#maintenance-toggle').textContent === 'Turn off'");
        var state = (await client.GetFromJsonAsync<JsonObject>("/api/v1/admin/maintenance"))!;
        Assert.True(state["enabled"]!.GetValue<bool>());
        Assert.Equal("Database upgrade.", state["message"]!.GetValue<string>());
        Assert.Contains("Database upgrade.", await page.TextContentAsync("#maintenance-state") ?? string.Empty, StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("7-operations-maintenance-on");
        await dashboard.AssertAccessibleAsync();

        await page.ClickAsync("#maintenance-toggle");
        await page.WaitForFunctionAsync("() => document.querySelector('#maintenance-toggle').textContent === 'Turn on'");
        Assert.False((await client.GetFromJsonAsync<JsonObject>("/api/v1/admin/maintenance"))!["enabled"]!.GetValue<bool>());
        dashboard.AssertNoErrors("503");
    }

    [Fact]
    public async Task OperationsPage_WithoutAdminKey_HasNoMaintenanceSwitch()
    {
        await using var dashboard = await DashboardPage.OpenAsync(fixture);
        var page = dashboard.Page;
        await dashboard.SignInAsync(fixture.GlobexKey);
        await page.GotoAsync("/#/ops");
        await page.Locator("#backends-table tr[data-backend='greedy']").WaitForAsync();
        Assert.True(await page.Locator("#maintenance").IsHiddenAsync());
        dashboard.AssertNoErrors("503");
    }

    [Fact]
    public async Task RunningJob_ShowsProgressAndIsCancelled_AndTheListFiltersByStatus()
    {
        using var client = fixture.Client(fixture.AcmeKey);
        var quick = (await Api.SubmitAsync(client, Api.Job(Api.Problem(4, "quick"), "greedy", 1)))["id"]!.GetValue<string>();
        var id = (await Api.SubmitAsync(client, Api.LongJob()))["id"]!.GetValue<string>();

        await using var dashboard = await DashboardPage.OpenAsync(fixture);
        var page = dashboard.Page;
        await dashboard.SignInAsync(fixture.AcmeKey);
        await page.GotoAsync($"/#/job/{id}");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-fact=status]')?.textContent === 'running'", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        // Progress reports arrive once per heartbeat (1 s here) and the page samples them while it watches.
        await page.Locator("#progress-chart circle.point").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        var reported = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}"))!["progress"]!["bestObjective"]!.GetValue<double>();
        Assert.StartsWith($"Best objective {reported.ToString("#,0.###", System.Globalization.CultureInfo.InvariantCulture)} after", await page.Locator("#progress-chart svg").GetAttributeAsync("aria-label") ?? string.Empty, StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("8-running-job");
        await dashboard.AssertAccessibleAsync();

        await page.ClickAsync("#cancel-job");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-fact=status]')?.textContent === 'cancelled'");
        Assert.Equal("cancelled", (await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}"))!["status"]!.GetValue<string>());
        Assert.True(await page.Locator("#cancel-job").IsHiddenAsync());

        await page.GotoAsync("/#/jobs");
        await page.Locator($"#jobs-table tr[data-job='{id}']").WaitForAsync();
        await page.SelectOptionAsync("#filter-status", "cancelled");
        await page.ClickAsync("#jobs-filter button[type=submit]");
        // The list is emptied, then refilled from the filtered page: wait for the refill.
        await page.WaitForFunctionAsync($"() => !document.querySelector(\"#jobs-table tr[data-job='{quick}']\") && document.querySelector(\"#jobs-table tr[data-job='{id}']\")");
        var statuses = await page.Locator("#jobs-table tbody tr .status").AllTextContentsAsync();
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal("cancelled", s));
        Assert.Equal(1, await page.Locator($"#jobs-table tr[data-job='{id}']").CountAsync());
        await page.SelectOptionAsync("#filter-status", "");
        await page.SelectOptionAsync("#filter-backend", "greedy");
        await page.ClickAsync("#jobs-filter button[type=submit]");
        await page.Locator($"#jobs-table tr[data-job='{quick}']").WaitForAsync();
        Assert.Equal(0, await page.Locator($"#jobs-table tr[data-job='{id}']").CountAsync());
        await dashboard.ScreenshotAsync("9-jobs");
        await dashboard.AssertAccessibleAsync();
        dashboard.AssertNoErrors();
    }
}
