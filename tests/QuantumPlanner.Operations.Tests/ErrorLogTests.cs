using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QuantumPlanner.Operations.Tests.Infrastructure;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Operations.Tests;

/// <summary>
/// The runbook's <c>kubectl logs -l app=quantum-planner --since=24h | grep ERROR</c>: a failed job is logged at Error by
/// the real service's JSON console, and its line holds the upper-case word grep looks for.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ErrorLogTests : IDisposable
{
    private readonly TempDirectories _temp = new();

    [Fact]
    public async Task FailedJob_JsonConsoleLine_IsErrorAndContainsTheWordERROR()
    {
        var dir = _temp.New();
        Guid id = default;
        var output = await OpsRun.CaptureStdoutAsync(async () =>
        {
            await using var service = await RunningService.StartAsync(dir);
            var store = service.Services.GetRequiredService<IJobStore>();
            id = (await store.EnqueueAsync(new NewJob("acme", "greedy", "{\"tasks\": \"not a list\"}", "h", 5, 1))).Job.Id;
            for (var i = 0; i < 200 && (await store.GetByIdAsync(id))!.Status != JobStatus.Failed; i++)
            {
                await Task.Delay(50);
            }

            Assert.Equal(JobStatus.Failed, (await store.GetByIdAsync(id))!.Status);
        });

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var failed = Assert.Single(lines, l => l.Contains("Job failed", StringComparison.Ordinal) && l.Contains(id.ToString(), StringComparison.Ordinal));
        Assert.Contains("ERROR", failed, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(failed);
        Assert.Equal("Error", json.RootElement.GetProperty("LogLevel").GetString());
        Assert.DoesNotContain(lines.Where(l => l.Contains("\"LogLevel\":\"Information\"", StringComparison.Ordinal)), l => l.Contains("ERROR", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Errors_FromTheServiceUrl_MatchTheStoreAndNeedAnAdminKey()
    {
        var dir = _temp.New();
        await SeededHistory.InsertSqliteAsync(dir, SeededHistory.Generate(DateTimeOffset.UtcNow));
        // No workers: the seeded queued jobs must stay as they are between the two readings.
        await using (var service = await RunningService.StartAsync(dir, settings: ["--QuantumPlanner:Workers=0"]))
        {
            var remote = await OpsRun.JsonAsync(0, "ops", "errors", "--since", "7d", "--limit", "5", "--url", service.Url, "--json");
            var local = await OpsRun.JsonAsync(0, "ops", "errors", "--since", "7d", "--limit", "5", "--data-dir", dir, "--json");
            Assert.True(remote["failed"]!.GetValue<int>() > 0);
            foreach (var part in (string[])["failed", "byBackend", "byTenant", "jobs"])
            {
                Assert.Equal(local[part]!.ToJsonString(), remote[part]!.ToJsonString());
            }
        }

        await using (var keyed = await RunningService.StartAsync(dir, noAuth: false, settings: ["--QuantumPlanner:Workers=0"]))
        {
            var (exit, _, error) = await OpsRun.RunAsync("ops", "errors", "--url", keyed.Url, "--json");
            Assert.Equal(1, exit);
            Assert.Contains("HTTP 401", error, StringComparison.Ordinal);
            Assert.Contains("Maybe --api-key", error, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _temp.Dispose();
}
