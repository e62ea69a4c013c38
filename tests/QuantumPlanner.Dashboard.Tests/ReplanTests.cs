using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace QuantumPlanner.Dashboard.Tests;

/// <summary>Re-planning from a plan in the page: pin bars, add a task, and see the new plan keep the pins and say what moved.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ReplanTests(DashboardFixture fixture)
{
    [Fact]
    public async Task PinTwoBarsAndAddATask_NewPlanKeepsThePinsPlacesTheTaskAndListsWhatMoved()
    {
        using var client = fixture.Client(fixture.AcmeKey);
        var problem = await client.GetStringAsync("/api/v1/examples/software-sprint.json");
        using var submitted = await client.PostAsync("/api/v1/jobs", new StringContent($$"""{"problem":{{problem}},"backend":"localsearch","timeLimitSeconds":1}""", Encoding.UTF8, "application/json"));
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        await using var dashboard = await DashboardPage.OpenAsync(fixture);
        var page = dashboard.Page;
        await dashboard.SignInAsync(fixture.AcmeKey);
        await page.GotoAsync($"/#/job/{id}");
        await page.Locator("#gantt svg g.task").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        var before = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}/result"))!["assignments"]!.AsArray();
        var pinned = before.Take(2).Select(a => (Task: a!["task"]!.GetValue<string>(), Agent: a["agent"]!.GetValue<string>(), Start: a["start"]!.GetValue<int>())).ToList();

        // One pin by clicking its bar, one by its checkbox: both mark the bar.
        await page.Locator($"#gantt g.task[data-task='{pinned[0].Task}']").ClickAsync();
        await page.CheckAsync($"#pins input[data-task='{pinned[1].Task}']");
        Assert.True(await page.IsCheckedAsync($"#pins input[data-task='{pinned[0].Task}']"));
        foreach (var (task, _, _) in pinned)
        {
            Assert.Contains("pinned", await page.Locator($"#gantt g.task[data-task='{task}']").GetAttributeAsync("class") ?? string.Empty, StringComparison.Ordinal);
        }

        await page.FillAsync("#new-id", "hotfix-login");
        await page.FillAsync("#new-duration", "3");
        await page.FillAsync("#new-skills", "backend");
        await page.FillAsync("#new-priority", "9");
        await dashboard.ScreenshotAsync("10-replan-pins");
        await page.ClickAsync("#replan-form button[type=submit]");
        await page.WaitForFunctionAsync("id => location.hash.startsWith('#/job/') && !location.hash.endsWith(id)", id, new PageWaitForFunctionOptions { Timeout = 60_000 });
        var next = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        await page.Locator("#gantt svg g.task[data-task='hotfix-login']").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });

        var replanned = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{next}/result"))!;
        var after = replanned["assignments"]!.AsArray().ToDictionary(a => a!["task"]!.GetValue<string>());
        foreach (var (task, agent, start) in pinned)
        {
            Assert.Equal(agent, after[task]!["agent"]!.GetValue<string>());
            Assert.Equal(start, after[task]!["start"]!.GetValue<int>());
        }

        Assert.Contains("hotfix-login", after.Keys);
        var changes = replanned["changes"]!.AsArray();
        Assert.True(await page.Locator("#changes").CountAsync() + await page.Locator("#score table caption:text('What moved from the baseline')").CountAsync() == 1, "the score panel says nothing about what moved");
        Assert.Equal(changes.Count, await page.Locator("#gantt g.task.moved").CountAsync());
        await dashboard.ScreenshotAsync("11-replanned");
        await dashboard.AssertAccessibleAsync();
        dashboard.AssertNoErrors();
    }
}
