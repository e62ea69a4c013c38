using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// A real qplan serve process, the keys verbs and the load-test client. Raw HttpClient on purpose: the tests check a
/// child process's wire (readiness, the load-test client's own requests).
/// </summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task QplanServe_RealProcess_SolvesJobsAnswersLoadTestAndStopsOnSigterm()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-service-tests", Guid.NewGuid().ToString("N"));
        var url = $"http://127.0.0.1:{TestServices.FreePort()}";
        using var serve = new QplanProcess(["serve", "--no-auth", "--urls", url, "--data-dir", dataDir, "--workers", "2"]);
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        await WaitReadyAsync(client, serve);

        var id = (await Api.SubmitAsync(client, Api.Job(Api.Problem(8), seed: 8)))["id"]!.GetValue<string>();
        Assert.Equal("completed", (await Api.WaitAsync(client, id))["status"]!.GetValue<string>());
        var plan = await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}/result");
        Assert.Equal(8, plan!["assignments"]!.AsArray().Count);

        var (code, output) = await QplanProcess.RunAsync(["loadtest", "--url", url, "--clients", "2", "--duration", "2", "--json"], TimeSpan.FromSeconds(60));
        Assert.True(code == 0, output);
        var report = JsonNode.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..])!;
        Assert.True(report["completed"]!.GetValue<int>() > 0, output);
        Assert.Equal(0, report["errors"]!.GetValue<int>());

        // Open loop at 2 jobs/s for 2 s starts at most 4 jobs, where the closed loop above ran as many as it could.
        (code, output) = await QplanProcess.RunAsync(["loadtest", "--url", url, "--clients", "2", "--duration", "2", "--rate", "2", "--json"], TimeSpan.FromSeconds(60));
        Assert.True(code == 0, output);
        var paced = JsonNode.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..])!;
        Assert.InRange(paced["submitted"]!.GetValue<int>(), 1, 4);
        Assert.Equal(0, paced["errors"]!.GetValue<int>());

        var logs = serve.Output;
        Assert.Contains($"\"JobId\":\"{id}\"", logs, StringComparison.Ordinal);

        serve.Signal("TERM");
        Assert.True(await serve.WaitForExitAsync(TimeSpan.FromSeconds(20)), serve.Output);
        Assert.Equal(0, serve.ExitCode);
    }

    [Fact]
    public async Task QplanServe_FirstStartWithAuth_WritesTheAdminKeyToAPrivateFileAndNeverPrintsIt()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-service-tests", Guid.NewGuid().ToString("N"));
        var url = $"http://127.0.0.1:{TestServices.FreePort()}";
        var keyFile = Path.Combine(dataDir, "bootstrap-admin-key");
        string key;
        using (var serve = new QplanProcess(["serve", "--urls", url, "--data-dir", dataDir, "--workers", "1"]))
        {
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            await WaitReadyAsync(client, serve);
            key = (await File.ReadAllTextAsync(keyFile)).Trim();
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }

            Assert.Contains(keyFile, serve.Output, StringComparison.Ordinal);
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            using var maintenance = await client.GetAsync("/api/v1/admin/maintenance");
            Assert.Equal(HttpStatusCode.OK, maintenance.StatusCode);
            await Api.SubmitAsync(client, Api.Job(Api.Problem(3)));
            serve.Signal("TERM");
            Assert.True(await serve.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(0, CountOf(serve.Output, key));
        }

        File.Delete(keyFile);
        using var again = new QplanProcess(["serve", "--urls", url, "--data-dir", dataDir, "--workers", "1"]);
        using var second = new HttpClient { BaseAddress = new Uri(url) };
        await WaitReadyAsync(second, again);
        Assert.False(File.Exists(keyFile));
    }

    [Fact]
    public async Task QplanServe_NoAuthWithAKestrelEndpointOnAllAddresses_Exits2NamingTheAddress()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-service-tests", Guid.NewGuid().ToString("N"));
        var port = TestServices.FreePort();
        using var serve = new QplanProcess(
            ["serve", "--no-auth", "--data-dir", dataDir, "--workers", "0"],
            new Dictionary<string, string> { ["Kestrel__Endpoints__Http__Url"] = $"http://0.0.0.0:{port}" });

        Assert.True(await serve.WaitForExitAsync(TimeSpan.FromSeconds(60)), serve.Output);

        Assert.Equal(2, serve.ExitCode);
        Assert.Contains($"0.0.0.0:{port}", serve.Output, StringComparison.Ordinal);
        Assert.Contains("--no-auth is refused", serve.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysVerbs_CreateListRevoke_WorkOnTheStore()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "qp-service-tests", Guid.NewGuid().ToString("N"));
        var (code, output) = await QplanProcess.RunAsync(["keys", "create", "--tenant", "acme", "--admin", "--json", "--data-dir", dataDir], TimeSpan.FromSeconds(30));
        Assert.Equal(0, code);
        var created = JsonNode.Parse(output.Trim())!;
        Assert.Equal("acme", created["tenant"]!.GetValue<string>());
        Assert.True(created["admin"]!.GetValue<bool>());
        var key = created["key"]!.GetValue<string>();

        var (listCode, list) = await QplanProcess.RunAsync(["keys", "list", "--json", "--data-dir", dataDir], TimeSpan.FromSeconds(30));
        Assert.Equal(0, listCode);
        Assert.Contains("acme", list, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);
        var id = JsonNode.Parse(list.Trim())!.AsArray()[0]!["id"]!.GetValue<string>();

        var (revokeCode, _) = await QplanProcess.RunAsync(["keys", "revoke", id, "--data-dir", dataDir], TimeSpan.FromSeconds(30));
        Assert.Equal(0, revokeCode);
        var (againCode, _) = await QplanProcess.RunAsync(["keys", "revoke", id, "--data-dir", dataDir], TimeSpan.FromSeconds(30));
        Assert.Equal(2, againCode);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    internal static async Task WaitReadyAsync(HttpClient client, QplanProcess process)
    {
        var end = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < end)
        {
            Assert.False(process.HasExited, process.Output);
            try
            {
                using var ready = await client.GetAsync("/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail("qplan serve was not ready within 60 s: " + process.Output);
    }
}
