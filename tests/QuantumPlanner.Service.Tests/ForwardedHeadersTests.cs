using System.Net;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// X-Forwarded-* are believed from configured proxies only; HSTS goes out on HTTPS requests only. Raw HttpClient on
/// purpose: the subject is headers.
/// </summary>
public sealed class ForwardedHeadersTests
{
    [Fact]
    public async Task QplanServe_ForwardedProtoFromAConfiguredProxy_IsHttpsAndGetsHsts()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-service-tests", Guid.NewGuid().ToString("N"));
        var url = $"http://127.0.0.1:{TestServices.FreePort()}";
        using var serve = new QplanProcess(
            ["serve", "--no-auth", "--urls", url, "--data-dir", dataDir, "--workers", "0"],
            new Dictionary<string, string> { ["QuantumPlanner__ForwardedHeadersProxies"] = "127.0.0.1" });
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        await ProcessTests.WaitReadyAsync(client, serve);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var forwarded = await client.SendAsync(request);
        using var plain = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        Assert.Contains("max-age=31536000", forwarded.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        serve.Signal("TERM");
        Assert.True(await serve.WaitForExitAsync(TimeSpan.FromSeconds(20)), serve.Output);
    }

    [Fact]
    public async Task Request_ForwardedProtoWithoutConfiguredProxies_IsIgnored()
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        using var client = service.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }
}
