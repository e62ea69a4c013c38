using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace QuantumPlanner.Dashboard.Tests;

/// <summary>The progress chart draws the worker's stored history, so a page opened after the job finished still shows the curve.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ProgressHistoryTests(DashboardFixture fixture)
{
    [Fact]
    public async Task JobFinishedBeforeThePageOpened_ChartDrawsEveryStoredPoint()
    {
        using var client = fixture.Client(fixture.AcmeKey);
        var id = await FinishedJobAsync(client);
        var history = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}/progress"))!;
        var points = history["points"]!.AsArray();
        var plan = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}/result"))!;
        Assert.True(points.Count >= 2, $"local search on 150 tasks stored {points.Count} progress point(s): {history.ToJsonString()} {plan["timing"]?.ToJsonString()} {plan["backendsTried"]?.ToJsonString()}");
        var objective = plan["score"]!["objective"]!.GetValue<double>();

        await using var dashboard = await DashboardPage.OpenAsync(fixture);
        var page = dashboard.Page;
        await dashboard.SignInAsync(fixture.AcmeKey);
        await page.GotoAsync($"/#/job/{id}");
        await page.Locator("#plan").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 60_000 });

        // Every stored point is drawn at its value (the plan's objective closes the line when the last one differs).
        var drawn = page.Locator("#progress-chart circle.point");
        var extra = points[^1]!["objective"]!.GetValue<double>() == objective ? 0 : 1;
        Assert.Equal(points.Count + extra, await drawn.CountAsync());
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i]!;
            var title = await drawn.Nth(i).Locator("title").TextContentAsync();
            Assert.Equal($"{Num(p["objective"]!.GetValue<double>())} at {Num(p["elapsedMs"]!.GetValue<long>() / 1000.0)} s", title);
        }

        Assert.Contains(Num(objective), await page.Locator("#progress-chart svg").GetAttributeAsync("aria-label") ?? string.Empty, StringComparison.Ordinal);
        await dashboard.ScreenshotAsync("progress-history-after-finish");
        await dashboard.AssertAccessibleAsync();
        dashboard.AssertNoErrors();
    }

    /// <summary>A job that improves many times (local search on 150 tasks for 3 s), waited for until it completed.</summary>
    private static async Task<string> FinishedJobAsync(HttpClient client)
    {
        var tasks = new JsonArray();
        for (var t = 0; t < 150; t++)
        {
            var task = new JsonObject { ["id"] = $"t{t}", ["requiredSkills"] = new JsonArray("x"), ["duration"] = 1 + (t * 7 % 9) };
            if (t % 3 == 2)
            {
                task["dependsOn"] = new JsonArray($"t{t - 2}");
            }

            tasks.Add(task);
        }

        var agents = new JsonArray();
        for (var a = 0; a < 5; a++)
        {
            agents.Add(new JsonObject { ["id"] = $"a{a}", ["skills"] = new JsonArray("x"), ["costPerUnit"] = 1 + (3 * a) });
        }

        var body = new JsonObject { ["problem"] = new JsonObject { ["agents"] = agents, ["tasks"] = tasks, ["objective"] = new JsonObject { ["makespan"] = 1, ["cost"] = 0.05, ["loadBalance"] = 1 } }, ["backend"] = "localsearch", ["timeLimitSeconds"] = 3, ["seed"] = 5 };
        using var submitted = await client.PostAsync("/api/v1/jobs", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        submitted.EnsureSuccessStatusCode();
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

    private static string Num(double value) => value.ToString("#,0.###", CultureInfo.InvariantCulture);
}
