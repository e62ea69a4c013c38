using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace QuantumPlanner.Dashboard.Tests;

/// <summary>The Gantt chart by keyboard, its resource rows, and a plan whose broken constraint is marked and listed.</summary>
[Collection(DashboardCollection.Name)]
public sealed class GanttInteractionTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Keyboard_TabToTheBars_ArrowsMove_EnterShowsDetails_FocusRingVisible()
    {
        var id = await CompletedJobAsync(File.ReadAllText(Example("field-service.json")));
        await using var dashboard = await OpenJobAsync(id);
        var page = dashboard.Page;
        var order = await page.Locator("#gantt g.task").EvaluateAllAsync<string[]>("bars => bars.map(b => b.dataset.task)");

        // One tab stop for all bars: from the chart's scroll region, Tab lands on the first bar.
        await page.FocusAsync("#gantt");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal(order[0], await ActiveTaskAsync(page));
        Assert.Equal(1, await page.Locator("#gantt g.task[tabindex='0']").CountAsync());

        await page.Keyboard.PressAsync("ArrowRight");
        Assert.Equal(order[1], await ActiveTaskAsync(page));
        Assert.Equal(order[1], await page.Locator("#gantt g.task[tabindex='0']").GetAttributeAsync("data-task"));
        Assert.Equal("rgb(240, 160, 0)", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement.querySelector('rect, path')).stroke"));
        Assert.StartsWith(order[1], await page.Locator($"#gantt g.task[data-task='{order[1]}']").GetAttributeAsync("aria-label") ?? string.Empty, StringComparison.Ordinal);

        await page.Keyboard.PressAsync("Enter");
        var tooltip = page.Locator("#tooltip");
        await tooltip.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.Contains(order[1], await tooltip.TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("Skills", await tooltip.TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("gantt-keyboard-details");
        await page.Keyboard.PressAsync("Escape");
        await tooltip.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });

        // Down goes to the next row; Space shows that bar's details too.
        var rowBefore = await page.EvaluateAsync<string>("() => document.activeElement.closest('g.row').dataset.row");
        await page.Keyboard.PressAsync("ArrowDown");
        Assert.NotEqual(rowBefore, await page.EvaluateAsync<string>("() => document.activeElement.closest('g.row').dataset.row"));
        await page.Keyboard.PressAsync(" ");
        await tooltip.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.Contains((await ActiveTaskAsync(page))!, await tooltip.TextContentAsync() ?? string.Empty, StringComparison.Ordinal);

        await dashboard.AssertAccessibleAsync();
        dashboard.AssertNoErrors();
    }

    [Fact]
    public async Task ResourceRows_SwitchDrawsAUsageRowPerResourceWithItsTasks_AndBack()
    {
        var text = File.ReadAllText(Example("ml-pipeline.json"));
        var problem = JsonNode.Parse(text)!;
        var id = await CompletedJobAsync(text);
        await using var dashboard = await OpenJobAsync(id);
        var page = dashboard.Page;
        var bars = await page.Locator("#gantt g.task").CountAsync();

        await page.SelectOptionAsync("#gantt-rows", "resources");
        await page.Locator("#gantt g.row.usage").First.WaitForAsync();

        Assert.Equal(["gpu", "warehouse"], await page.Locator("#gantt g.row.usage").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.row)"));
        var gpuTasks = await page.Locator("#gantt g.row[data-row='gpu'] g.task").EvaluateAllAsync<string[]>("bars => bars.map(b => b.dataset.task)");
        var plan = (await fixture.Client(fixture.AcmeKey).GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}/result"))!;
        var scheduled = plan["assignments"]!.AsArray().Select(a => a!["task"]!.GetValue<string>()).ToHashSet();
        var onGpu = problem["tasks"]!.AsArray().Where(t => t!["resources"]?["gpu"] is not null && scheduled.Contains(t["id"]!.GetValue<string>())).Select(t => t!["id"]!.GetValue<string>());
        Assert.Equal(onGpu.Order(StringComparer.Ordinal), gpuTasks.Order(StringComparer.Ordinal));
        Assert.True(await page.Locator("#gantt g.row[data-row='gpu'] rect.use").CountAsync() > 0, "no usage drawn for gpu");
        await dashboard.ScreenshotAsync("gantt-resource-rows");
        await dashboard.AssertAccessibleAsync();

        await page.SelectOptionAsync("#gantt-rows", "agents");
        await page.WaitForFunctionAsync("() => document.querySelector('#gantt g.row.usage') === null");
        Assert.Equal(bars, await page.Locator("#gantt g.task").CountAsync());
        dashboard.AssertNoErrors();
    }

    [Fact]
    public async Task BrokenDeadline_ViolatingBarIsMarkedAndListed_AndTheListFindsTheBar()
    {
        // Each task alone meets its deadline of 4 (so the problem is valid), but one worker cannot do both by then:
        // whatever the solver does, one of them misses it, a hard violation.
        var id = await CompletedJobAsync("""
            {
              "name": "late-site",
              "agents": [{ "id": "ann", "skills": ["build"] }],
              "tasks": [
                { "id": "pour-concrete", "requiredSkills": ["build"], "duration": 4, "deadline": 4 },
                { "id": "frame-walls", "requiredSkills": ["build"], "duration": 4, "deadline": 4 }
              ]
            }
            """);
        await using var dashboard = await OpenJobAsync(id);
        var page = dashboard.Page;
        var plan = (await fixture.Client(fixture.AcmeKey).GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}/result"))!;
        var violated = plan["score"]!["violations"]!.AsArray().Select(v => v!["task"]?.GetValue<string>()).OfType<string>().Distinct().ToList();
        var late = Assert.Single(violated);

        Assert.Equal(violated.Order(StringComparer.Ordinal), (await page.Locator("#gantt g.task.violated").EvaluateAllAsync<string[]>("bars => bars.map(b => b.dataset.task)")).Order(StringComparer.Ordinal));
        Assert.Equal("rgb(208, 0, 0)", await page.Locator($"#gantt g.task.violated[data-task='{late}'] rect").EvaluateAsync<string>("r => getComputedStyle(r).stroke"));
        Assert.Equal(1, await page.Locator($"#gantt g.deadline.missed[data-task='{late}']").CountAsync());
        Assert.Contains("deadline missed", await page.Locator("#gantt g.legend").TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("task with a hard violation", await page.Locator("#gantt g.legend").TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
        Assert.NotEqual("0", await page.TextContentAsync("#score-facts [data-fact=hard-violations]"));
        var listed = page.Locator("#score tr.violation");
        Assert.Equal(plan["score"]!["violations"]!.AsArray().Count, await listed.CountAsync());
        var row = listed.Filter(new LocatorFilterOptions { HasText = late }).First;
        Assert.Contains("deadline", (await row.TextContentAsync() ?? string.Empty).ToLowerInvariant(), StringComparison.Ordinal);

        // Hovering the listed violation highlights its bar.
        await row.HoverAsync();
        Assert.Contains("highlight", await page.Locator($"#gantt g.task[data-task='{late}']").GetAttributeAsync("class") ?? string.Empty, StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("gantt-violation-highlight");
        await dashboard.AssertAccessibleAsync();
        dashboard.AssertNoErrors();
    }

    private static Task<string?> ActiveTaskAsync(IPage page) => page.EvaluateAsync<string?>("() => document.activeElement?.dataset?.task ?? null");

    private async Task<DashboardPage> OpenJobAsync(string id)
    {
        var dashboard = await DashboardPage.OpenAsync(fixture);
        await dashboard.SignInAsync(fixture.AcmeKey);
        await dashboard.Page.GotoAsync($"/#/job/{id}");
        await dashboard.Page.Locator("#gantt svg g.task").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        return dashboard;
    }

    private async Task<string> CompletedJobAsync(string problemJson)
    {
        using var client = fixture.Client(fixture.AcmeKey);
        var body = $$"""{"problem": {{problemJson}}, "timeLimitSeconds": 2, "seed": 1}""";
        using var submitted = await client.PostAsync("/api/v1/jobs", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        for (var i = 0; i < 6; i++)
        {
            var job = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}?waitSeconds=20"))!;
            if (job["status"]!.GetValue<string>() == "completed")
            {
                return id;
            }
        }

        throw new InvalidOperationException($"Job {id} did not complete within two minutes.");
    }

    private static string Example(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "examples", name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"examples/{name} above {AppContext.BaseDirectory}.");
    }
}
