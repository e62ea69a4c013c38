using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantumPlanner.Dashboard.Tests;

/// <summary>What the dashboard refuses: a bad problem (issues at their line and column), a bad key, another tenant's job.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ValidationAndTenancyTests(DashboardFixture fixture)
{
    // Line 5 gives a duration as text, line 6 misspells "duration": shape issues, found while reading, with positions.
    private const string BadProblem = """
        {
          "name": "bad",
          "agents": [{ "id": "ann", "skills": ["x"] }],
          "tasks": [
            { "id": "t1", "duration": "eight", "requiredSkills": ["x"] },
            { "id": "t2", "duraton": 3, "requiredSkills": ["x"] }
          ]
        }
        """;

    [Fact]
    public async Task BadProblem_ShowsEachIssueAtItsLineAndColumnAndSubmitsNothing()
    {
        using var client = fixture.Client(fixture.AcmeKey);
        using var validated = await client.PostAsync("/api/v1/validate", new StringContent(BadProblem, Encoding.UTF8, "application/json"));
        var report = (await validated.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False(report["valid"]!.GetValue<bool>());
        var issues = report["issues"]!.AsArray();
        Assert.Contains(issues, i => i!["line"]?.GetValue<int>() == 5);
        Assert.Contains(issues, i => i!["line"]?.GetValue<int>() == 6);
        var jobsBefore = await JobCountAsync(client);

        await using var dashboard = await DashboardPage.OpenAsync(fixture);
        var page = dashboard.Page;
        await dashboard.SignInAsync(fixture.AcmeKey);
        await page.FillAsync("#problem-text", BadProblem);
        await page.ClickAsync("#submit");
        await page.Locator("#issues li").First.WaitForAsync();

        var shown = page.Locator("#issues li");
        Assert.Equal(issues.Count, await shown.CountAsync());
        for (var i = 0; i < issues.Count; i++)
        {
            var issue = issues[i]!;
            var item = shown.Nth(i);
            Assert.Contains(issue["message"]!.GetValue<string>(), await item.TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
            if (issue["line"] is { } line)
            {
                Assert.Equal($"Line {line.GetValue<int>()}, column {issue["column"]!.GetValue<int>()}", await item.Locator("button.issue-position").TextContentAsync());
            }
        }

        // A click on an issue puts the caret at its line.
        await page.Locator("#issues li button[data-line='6']").First.ClickAsync();
        Assert.StartsWith("Line 6,", await page.TextContentAsync("#caret") ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal("problem-text", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        Assert.Contains("#/submit", page.Url, StringComparison.Ordinal);
        Assert.Equal(jobsBefore, await JobCountAsync(client));

        await dashboard.ScreenshotAsync("4-bad-problem");
        await dashboard.AssertAccessibleAsync();
        dashboard.AssertNoErrors();
    }

    [Fact]
    public async Task CrossReferenceIssue_IsPlacedAtTheLineOfTheItemItNames()
    {
        // Validation after reading finds the unknown dependency; its issue names task 't2', declared on line 6.
        const string problem = """
            {
              "name": "xref",
              "agents": [{ "id": "ann", "skills": ["x"] }],
              "tasks": [
                { "id": "t1", "duration": 2, "requiredSkills": ["x"] },
                { "id": "t2", "duration": 3, "requiredSkills": ["x"], "dependsOn": ["nope"] }
              ]
            }
            """;
        await using var dashboard = await DashboardPage.OpenAsync(fixture);
        var page = dashboard.Page;
        await dashboard.SignInAsync(fixture.AcmeKey);
        await page.FillAsync("#problem-text", problem);
        await page.ClickAsync("#validate");
        var issue = page.Locator("#issues li[data-code='unknown-dependency']");
        await issue.WaitForAsync();
        Assert.Equal("Line 6, column 7", await issue.Locator("button.issue-position").TextContentAsync());
        Assert.Contains("nope", await issue.TextContentAsync() ?? string.Empty, StringComparison.Ordinal);
        dashboard.AssertNoErrors();
    }

    [Fact]
    public async Task UnknownKey_IsRefusedWithAnErrorAndNothingIsKept()
    {
        await using var dashboard = await DashboardPage.OpenAsync(fixture);
        var page = dashboard.Page;
        await page.GotoAsync("/");
        await page.FillAsync("#api-key", "qp_not-a-real-key");
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.Locator("#signin-error").WaitForAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#signin-error').textContent.length > 0");

        Assert.Contains("401", await page.TextContentAsync("#signin-error") ?? string.Empty, StringComparison.Ordinal);
        Assert.True(await page.Locator("#nav").IsHiddenAsync());
        Assert.True(await page.Locator("#view-submit").IsHiddenAsync());
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('qp.apiKey')"));
        await dashboard.ScreenshotAsync("5-bad-key");
        await dashboard.AssertAccessibleAsync();
        dashboard.AssertNoErrors("401");
    }

    [Fact]
    public async Task AnotherTenantsJob_IsNotFoundAndNotListed()
    {
        using var acme = fixture.Client(fixture.AcmeKey);
        var problem = await acme.GetStringAsync("/api/v1/examples/software-sprint.json");
        using var submitted = await acme.PostAsync("/api/v1/jobs", new StringContent($$"""{"problem":{{problem}},"timeLimitSeconds":1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (await submitted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();

        // The routes the job page reads answer another tenant as they answer an unknown id.
        using var globex = fixture.Client(fixture.GlobexKey);
        foreach (var route in new[] { "", "/result", "/problem", "/gantt.svg" })
        {
            using var response = await globex.GetAsync($"/api/v1/jobs/{id}{route}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using (var own = await acme.GetAsync($"/api/v1/jobs/{id}/problem"))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Equal("software-sprint", (await own.Content.ReadFromJsonAsync<JsonObject>())!["name"]!.GetValue<string>());
        }

        await using var dashboard = await DashboardPage.OpenAsync(fixture);
        var page = dashboard.Page;
        await dashboard.SignInAsync(fixture.GlobexKey);
        await page.GotoAsync($"/#/job/{id}");
        await page.WaitForFunctionAsync("() => document.querySelector('#job-error').textContent.length > 0");
        Assert.Contains("not found", await page.TextContentAsync("#job-error") ?? string.Empty, StringComparison.Ordinal);
        Assert.True(await page.Locator("#job-body").IsHiddenAsync());
        Assert.True(await page.Locator("#gantt svg").CountAsync() == 0);

        await page.GotoAsync("/#/jobs");
        await page.WaitForFunctionAsync("() => /jobs?, newest first/.test(document.querySelector('#jobs-caption').textContent)");
        Assert.Equal(0, await page.Locator($"#jobs-table tr[data-job='{id}']").CountAsync());
        await dashboard.ScreenshotAsync("6-other-tenant");
        await dashboard.AssertAccessibleAsync();
        dashboard.AssertNoErrors("404");
    }

    private static async Task<int> JobCountAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonObject>("/api/v1/jobs?limit=500"))!["items"]!.AsArray().Count;
}
