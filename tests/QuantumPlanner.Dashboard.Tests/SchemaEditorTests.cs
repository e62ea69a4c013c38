using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace QuantumPlanner.Dashboard.Tests;

/// <summary>The submit page's editor reads the published problem schema: a field reference and the field under the caret.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SchemaEditorTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Editor_ListsEverySchemaFieldPerKind_AndDescribesTheFieldUnderTheCaret()
    {
        using var client = fixture.Client(null);
        var schema = (await client.GetFromJsonAsync<JsonObject>("/schemas/problem.json"))!;
        await using var dashboard = await DashboardPage.OpenAsync(fixture);
        var page = dashboard.Page;
        await dashboard.SignInAsync(fixture.AcmeKey);
        await page.Locator("#schema-fields table").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

        await page.ClickAsync("#schema-help summary");
        foreach (var (kind, properties) in new[] { ("problem", schema["properties"]!), ("task", schema["$defs"]!["task"]!["properties"]!), ("agent", schema["$defs"]!["agent"]!["properties"]!) })
        {
            var shown = await page.Locator($"#schema-fields table[data-kind='{kind}'] tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.field)");
            Assert.Equal(properties.AsObject().Select(p => p.Key), shown);
        }

        var duration = schema["$defs"]!["task"]!["properties"]!["duration"]!["description"]!.GetValue<string>();
        Assert.Contains(duration, await page.Locator("#schema-fields table[data-kind='task'] tr[data-field='duration']").TextContentAsync() ?? string.Empty, StringComparison.Ordinal);

        // The caret on a "duration" key of an example: the schema's description of it shows under the editor.
        await page.SelectOptionAsync("#example", "field-service.json");
        await page.WaitForFunctionAsync("() => document.querySelector('#problem-text').value.includes('drain-cleaning')");
        await page.EvaluateAsync("() => { const t = document.querySelector('#problem-text'); const i = t.value.indexOf('\"duration\"') + 3; t.focus(); t.setSelectionRange(i, i); t.dispatchEvent(new Event('click')); }");
        await page.WaitForFunctionAsync("() => document.querySelector('#field-help').textContent.startsWith('duration:')");
        Assert.Contains(duration, await page.TextContentAsync("#field-help") ?? string.Empty, StringComparison.Ordinal);

        // A misspelt key is not in the schema, and the help says so.
        await page.FillAsync("#problem-text", "{ \"tasks\": [{ \"id\": \"t1\", \"duraton\": 3 }] }");
        await page.EvaluateAsync("() => { const t = document.querySelector('#problem-text'); const i = t.value.indexOf('duraton') + 2; t.setSelectionRange(i, i); t.dispatchEvent(new Event('click')); }");
        await page.WaitForFunctionAsync("() => document.querySelector('#field-help').textContent.startsWith('duraton:')");
        Assert.Contains("not a field", await page.TextContentAsync("#field-help") ?? string.Empty, StringComparison.Ordinal);

        await dashboard.ScreenshotAsync("submit-schema-help");
        await dashboard.AssertAccessibleAsync();
        dashboard.AssertNoErrors();
    }
}
