using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace QuantumPlanner.Dashboard.Tests;

/// <summary>A planner's way through the dashboard: sign in, submit an example, watch it finish, read the plan.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SubmitAndWatchTests(DashboardFixture fixture)
{
    [Fact]
    public async Task SignIn_SubmitExample_CompletesAndDrawsOneBarPerAssignmentWherePlanPutsIt()
    {
        await using var dashboard = await DashboardPage.OpenAsync(fixture);
        var page = dashboard.Page;
        var first = await page.GotoAsync("/");
        Assert.NotNull(first);
        Assert.Equal("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'", first.Headers["content-security-policy"]);
        await dashboard.AssertAccessibleAsync();
        await dashboard.ScreenshotAsync("1-sign-in");

        await dashboard.SignInAsync(fixture.AcmeKey);
        Assert.Equal("Tenant acme", await page.TextContentAsync("#who"));
        Assert.Equal(fixture.AcmeKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('qp.apiKey')"));
        await page.Locator("#example option[value='field-service.json']").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("#example", "field-service.json");
        await page.WaitForFunctionAsync("() => document.querySelector('#problem-text').value.includes('drain-cleaning')");
        await page.FillAsync("#time-limit", "2");
        await dashboard.AssertAccessibleAsync();
        await dashboard.ScreenshotAsync("2-submit");

        await page.ClickAsync("#submit");
        // A hash route is a same-document navigation: wait for the hash, not for a load event.
        await page.WaitForFunctionAsync("() => location.hash.startsWith('#/job/')", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        Assert.DoesNotContain(fixture.AcmeKey, page.Url, StringComparison.Ordinal);
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await page.Locator("#plan").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 60_000 });
        await page.Locator("#gantt svg g.task").First.WaitForAsync();

        using var client = fixture.Client(fixture.AcmeKey);
        var plan = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}/result"))!;
        var assignments = plan["assignments"]!.AsArray();
        Assert.Equal(assignments.Count, await page.Locator("#gantt svg g.task").CountAsync());
        Assert.Contains("completed", await page.TextContentAsync("#job-facts [data-fact=status]") ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(Num(plan["score"]!["objective"]!.GetValue<double>()), await page.TextContentAsync("#score-facts [data-fact=objective]"));

        // Every bar sits where its start puts it: in the drawing (origin + start × scale) and on the screen (the
        // same offset from the chart's left edge times the zoom the page shows it at).
        var chart = page.Locator("#gantt svg");
        var origin = double.Parse((await chart.GetAttributeAsync("data-origin"))!, CultureInfo.InvariantCulture);
        var scale = double.Parse((await chart.GetAttributeAsync("data-scale"))!, CultureInfo.InvariantCulture);
        var chartBox = (await chart.BoundingBoxAsync())!;
        var zoom = chartBox.Width / await chart.EvaluateAsync<double>("svg => svg.viewBox.baseVal.width");
        foreach (var a in assignments)
        {
            var (task, agent, start, end) = (a!["task"]!.GetValue<string>(), a["agent"]!.GetValue<string>(), a["start"]!.GetValue<int>(), a["end"]!.GetValue<int>());
            var bar = page.Locator($"#gantt g.task[data-task='{task}']");
            Assert.Equal(1, await bar.CountAsync());
            Assert.Equal(agent, await bar.EvaluateAsync<string>("g => g.parentElement.dataset.row"));
            Assert.Equal(start.ToString(CultureInfo.InvariantCulture), await bar.GetAttributeAsync("data-start"));
            Assert.Equal(end.ToString(CultureInfo.InvariantCulture), await bar.GetAttributeAsync("data-end"));
            if (end > start)
            {
                var rect = bar.Locator("rect");
                Assert.Equal(origin + (start * scale), await rect.EvaluateAsync<double>("r => r.x.baseVal.value"), 0.06);
                var box = (await rect.BoundingBoxAsync())!;
                Assert.Equal((origin + (start * scale)) * zoom, box.X - chartBox.X, 1.0);
                Assert.Equal((end - start) * scale * zoom, box.Width, 1.5);
            }
        }

        // The best objective over time ends at the plan's objective.
        Assert.True(await page.Locator("#progress-chart circle.point").CountAsync() >= 1, "the progress chart has no point");
        Assert.Contains(Num(plan["score"]!["objective"]!.GetValue<double>()), await page.Locator("#progress-chart svg").GetAttributeAsync("aria-label") ?? string.Empty, StringComparison.Ordinal);

        // Hover details name the task, its agent and times.
        var firstTask = assignments[0]!["task"]!.GetValue<string>();
        await page.HoverAsync($"#gantt g.task[data-task='{firstTask}']");
        var tooltip = page.Locator("#tooltip");
        await tooltip.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.Contains(firstTask, await tooltip.TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("Skills", await tooltip.TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("3-job-plan-hover");
        await page.Mouse.MoveAsync(5, 5);

        // Zoom changes the drawn size and back; Fit brings the whole chart within the view.
        var before = (await chart.BoundingBoxAsync())!.Width;
        await page.ClickAsync("#zoom-in");
        Assert.True((await chart.BoundingBoxAsync())!.Width > before * 1.2, "zoom in did not enlarge the chart");
        await page.ClickAsync("#zoom-out");
        Assert.Equal(before, (await chart.BoundingBoxAsync())!.Width, 1.5);
        await page.ClickAsync("#zoom-fit");
        Assert.True((await chart.BoundingBoxAsync())!.Width <= (await page.Locator("#gantt").BoundingBoxAsync())!.Width, "Fit left the chart wider than its view");
        await page.ClickAsync("#zoom-in");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-svg"));
        var exported = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("<svg", exported, StringComparison.Ordinal);
        var png = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-png"));
        var bytes = await File.ReadAllBytesAsync((await png.PathAsync())!);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);

        await dashboard.AssertAccessibleAsync();
        dashboard.AssertNoErrors();
    }

    private static string Num(double value) => value.ToString("#,0.###", CultureInfo.InvariantCulture);
}
