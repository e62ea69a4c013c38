using System.Text.Json.Nodes;
using QuantumPlanner.Cli.Operations.Leaks;
using QuantumPlanner.Operations.Tests.Infrastructure;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Operations.Tests;

/// <summary>qplan ops leak-check against a real service on loopback, once healthy and once with memory really held per job.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class LeakCheckTests : IDisposable
{
    private readonly TempDirectories _temp = new();

    [Fact]
    public async Task LeakCheck_SteadyService_FindsNoLeakAndWritesTheChart()
    {
        // Bounded caches filling up look like growth in a run this short: the smallest result cache, no finished-job cache.
        await using var service = await RunningService.StartAsync(_temp.New(), settings: ["--QuantumPlanner:MemoryCacheMegabytes=1", "--QuantumPlanner:FinishedJobCacheMegabytes=0"]);
        var chart = Path.Combine(_temp.New(), "leak.html");
        // 300 jobs in a shared test process are a short, noisy run: the limits here are far below the leak of the next
        // test (250 MiB per 1000 jobs) and far above that noise; a real check runs thousands of jobs at the defaults.
        var result = await OpsRun.JsonAsync(0, "ops", "leak-check", "--url", service.Url, "--jobs", "300", "--warmup", "100", "--interval", "0.2", "--chart", chart,
            "--max-heap-growth", "40", "--max-rss-growth", "400", "--max-handle-growth", "200", "--json");
        Assert.False(result["leaking"]!.GetValue<bool>());
        Assert.Equal(300, result["jobs"]!.GetValue<int>());
        Assert.Equal(0, result["failedJobs"]!.GetValue<int>());
        var heap = Trend(result, "gc heap");
        Assert.Equal("ok", heap["status"]!.GetValue<string>());
        Assert.Equal("1000 jobs", heap["per"]!.GetValue<string>());
        Assert.True(result["samples"]!.AsArray().Count >= 5);
        Assert.True(result["samples"]!.AsArray()[^1]!["gcHeapBytes"]!.GetValue<double>() > 0);
        var html = await File.ReadAllTextAsync(chart);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("GC heap", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LeakCheck_ProcessHoldingMemoryPerJob_ReportsTheGrowthAndExitsOne()
    {
        await using var service = await RunningService.StartAsync(_temp.New());
        // The service runs in this process: holding 256 KiB for every job the service finishes is a real leak of
        // 250 MiB per 1000 jobs in the process the check reads.
        var held = new List<byte[]>();
        using var leaking = new CancellationTokenSource();
        var finished = service.Services.GetService(typeof(QuantumPlanner.Service.Observability.ServiceMetrics)) as QuantumPlanner.Service.Observability.ServiceMetrics;
        Assert.NotNull(finished);
        var leak = Task.Run(async () =>
        {
            var seen = 0.0;
            while (!leaking.IsCancellationRequested)
            {
                var jobs = finished.JobsTotal.WithLabels("completed", "greedy").Value;
                for (; seen < jobs; seen++)
                {
                    var block = new byte[256 * 1024];
                    Array.Fill(block, (byte)1);
                    held.Add(block);
                }

                await Task.Delay(20);
            }
        });
        try
        {
            var result = await OpsRun.JsonAsync(1, "ops", "leak-check", "--url", service.Url, "--jobs", "300", "--warmup", "60", "--interval", "0.2", "--json");
            Assert.True(result["leaking"]!.GetValue<bool>());
            var heap = Trend(result, "gc heap");
            Assert.Equal("leak", heap["status"]!.GetValue<string>());
            Assert.InRange(heap["growth"]!.GetValue<double>(), 100, 400);
            // A steady leak fits a line well; the bound leaves room for collections timed by a loaded machine.
            Assert.True(heap["rSquared"]!.GetValue<double>() > 0.5);
        }
        finally
        {
            await leaking.CancelAsync();
            await leak;
            GC.KeepAlive(held);
        }
    }

    [Fact]
    public void LeakVerdict_FitsAfterWarmup_PerThousandJobs()
    {
        // 1 MiB per 100 jobs after a warm-up that jumped by 50 MiB: 10 MiB per 1000 jobs, the jump ignored.
        var samples = Enumerable.Range(0, 11).Select(i => new MemorySample(i * 100, i, (i == 0 ? 0 : 50 + i) * LeakVerdict.Mebibyte, (20 + i) * LeakVerdict.Mebibyte, 100)).ToList();
        var trends = LeakVerdict.Judge(samples, warmupJobs: 100, warmupSeconds: 0, perJobs: true, new LeakLimits(8, 32, 50));
        Assert.Equal(10, trends.Single(t => t.Metric == "gc heap").Growth!.Value, 3);
        Assert.Equal("leak", trends.Single(t => t.Metric == "gc heap").Status);
        Assert.Equal(10, trends.Single(t => t.Metric == "rss").Growth!.Value, 3);
        Assert.Equal("ok", trends.Single(t => t.Metric == "rss").Status);
        Assert.Equal(0, trends.Single(t => t.Metric == "handles").Growth!.Value, 3);
    }

    [Fact]
    public void MemorySource_ParseGauges_ReadsUnlabelledSamples()
    {
        var gauges = MemorySource.ParseGauges("# HELP x\nprocess_open_handles 321\nhttp_requests_received_total{code=\"200\"} 5\nquantum_planner_gc_heap_bytes 1.5e+07\n");
        Assert.Equal(321, gauges["process_open_handles"]);
        Assert.Equal(15_000_000, gauges["quantum_planner_gc_heap_bytes"]);
        Assert.False(gauges.ContainsKey("http_requests_received_total{code=\"200\"}"));
    }

    public void Dispose() => _temp.Dispose();

    private static JsonNode Trend(JsonNode result, string metric) =>
        result["trends"]!.AsArray().Single(t => t!["metric"]!.GetValue<string>() == metric)!;
}
