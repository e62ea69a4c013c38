using System.Net;
using System.Net.Http.Headers;
using QuantumPlanner.Service.Dashboard;
using QuantumPlanner.Service.Security;

namespace QuantumPlanner.Dashboard.Tests;

/// <summary>The dashboard's files as HTTP serves them: type, policy, caching; the API keeps its own policy.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AssetsTests(DashboardFixture fixture)
{
    [Fact]
    public async Task EveryFile_IsServedWithItsTypeTheDashboardPolicyAndAnETagThatRevalidatesTo304()
    {
        using var client = fixture.Client(null);
        var names = DashboardAssets.Names.ToList();
        Assert.Contains("index.html", names);
        Assert.Contains("main.js", names);
        foreach (var name in names.Append(string.Empty))
        {
            var path = name.Length == 0 ? "/" : "/dashboard/" + name;
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var expected = Path.GetExtension(name.Length == 0 ? "index.html" : name) switch
            {
                ".html" => "text/html",
                ".js" => "text/javascript",
                ".css" => "text/css",
                ".svg" => "image/svg+xml",
                var other => throw new InvalidOperationException($"no expectation for {other}"),
            };
            Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(SecurityHeaders.DashboardPolicy, string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            var etag = response.Headers.ETag;
            Assert.NotNull(etag);

            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
            using var revalidated = await client.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        }
    }

    [Fact]
    public async Task ThePage_LoadsOnlyFilesOfItsOwnOrigin_WithNoInlineScriptOrStyle()
    {
        using var client = fixture.Client(null);
        var html = await client.GetStringAsync("/");
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiAndUnknownFiles_KeepTheApiPolicyAndNoStore()
    {
        using var client = fixture.Client(fixture.AcmeKey);
        foreach (var path in new[] { "/api/v1/me", "/dashboard/missing.js", "/api/v1/jobs/00000000-0000-0000-0000-000000000000/gantt.svg" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(SecurityHeaders.ApiPolicy, string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        }
    }
}
