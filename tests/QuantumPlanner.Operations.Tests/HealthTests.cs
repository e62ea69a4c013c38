using System.Diagnostics;
using System.Text.Json.Nodes;
using QuantumPlanner.Operations.Tests.Infrastructure;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Operations.Tests;

/// <summary>qplan ops health against a real service, a database that stops, and a disk that is full.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class HealthTests : IDisposable
{
    private readonly TempDirectories _temp = new();
    private string? _mount;

    [Fact]
    public async Task Health_ServiceInMaintenance_ReadsDegradedFromTheJsonAndWarns()
    {
        var dir = _temp.New();
        await using var service = await RunningService.StartAsync(dir);
        var healthy = await OpsRun.JsonAsync(0, "ops", "health", "--url", service.Url, "--data-dir", dir, "--json");
        Assert.Equal("ok", Check(healthy, "api")["status"]!.GetValue<string>());
        Assert.Equal("ok", Check(healthy, "database")["status"]!.GetValue<string>());
        Assert.Equal("ok", Check(healthy, "service: database")["status"]!.GetValue<string>());
        Assert.Contains(healthy["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>().StartsWith("quantum backend: ", StringComparison.Ordinal));

        // The service answers 200 when degraded: the verdict must come from the JSON's status. Switched through the
        // service's admin route, which also refreshes its cached copy of the setting.
        using (var http = new HttpClient())
        using (var put = await http.PutAsync(service.Url + "/api/v1/admin/maintenance", new StringContent("{\"enabled\":true,\"message\":\"Database upgrade\"}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var degraded = await OpsRun.JsonAsync(0, "ops", "health", "--url", service.Url, "--data-dir", dir, "--json");
        Assert.Equal("warning", Check(degraded, "api")["status"]!.GetValue<string>());
        Assert.Contains("HTTP 200, status Degraded", Check(degraded, "api")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("⚠", Check(degraded, "service: maintenance")["symbol"]!.GetValue<string>());
        Assert.Contains("Database upgrade", Check(degraded, "service: maintenance")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_ServiceDown_FailsTheApiLine()
    {
        var dir = _temp.New();
        await using (var store = StorageFactory.CreateJobStore(null, dir))
        {
            await store.MigrateAsync();
        }

        var (exit, output, _) = await OpsRun.RunAsync("ops", "health", "--url", "http://127.0.0.1:1", "--data-dir", dir);
        Assert.Equal(1, exit);
        Assert.Matches(@"✗\s+│\s+api", output);
        Assert.Contains("Unhealthy", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_CpuAndMemoryAboveThreshold_WarnOnlyAndExitZero()
    {
        var dir = _temp.New();
        await using (var store = StorageFactory.CreateJobStore(null, dir))
        {
            await store.MigrateAsync();
        }

        // Thresholds of 0 % put any machine above them: busy CPU or full memory is a warning to look at, not an outage.
        var (exit, output, _) = await OpsRun.RunAsync("ops", "health", "--data-dir", dir, "--cpu-threshold", "0", "--memory-threshold", "0");
        Assert.Equal(0, exit);
        Assert.Matches(@"⚠\s+│\s+cpu", output);
        Assert.Matches(@"⚠\s+│\s+memory", output);
        Assert.Contains("Healthy with warnings (⚠).", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_DatabaseStopped_ExitsOne()
    {
        await using var postgres = await PrivatePostgres.StartAsync();
        await using (var store = StorageFactory.CreateJobStore(postgres.ConnectionString, "unused"))
        {
            await store.MigrateAsync();
        }

        var up = await OpsRun.JsonAsync(0, "ops", "health", "--db", postgres.ConnectionString, "--data-dir", _temp.New(), "--json");
        Assert.Equal("ok", Check(up, "database")["status"]!.GetValue<string>());
        Assert.True(up["healthy"]!.GetValue<bool>());

        await postgres.StopAsync();
        var down = await OpsRun.JsonAsync(1, "ops", "health", "--db", postgres.ConnectionString, "--data-dir", _temp.New(), "--json");
        Assert.Equal("failure", Check(down, "database")["status"]!.GetValue<string>());
        Assert.Contains("does not answer", Check(down, "database")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(down["healthy"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Health_DataDiskAboveThreshold_ExitsOne()
    {
        _mount = Path.Combine("/tmp", "qp-ops-tmpfs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_mount);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", _mount);
        await using (var store = StorageFactory.CreateJobStore(null, _mount))
        {
            await store.MigrateAsync();
        }

        var below = await OpsRun.JsonAsync(0, "ops", "health", "--data-dir", _mount, "--json");
        Assert.Equal("ok", Check(below, "disk: data directory")["status"]!.GetValue<string>());

        // 3.6 of 4 MiB: 90 % used, above the 85 % threshold.
        await File.WriteAllBytesAsync(Path.Combine(_mount, "ballast"), new byte[3_600 * 1024]);
        var full = await OpsRun.JsonAsync(1, "ops", "health", "--data-dir", _mount, "--json");
        var disk = Check(full, "disk: data directory");
        Assert.Equal("failure", disk["status"]!.GetValue<string>());
        Assert.Contains(_mount, disk["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ok", Check(full, "database")["status"]!.GetValue<string>());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_mount is not null)
        {
            RunAsync("umount", _mount).GetAwaiter().GetResult();
            Directory.Delete(_mount);
        }

        _temp.Dispose();
    }

    private static JsonNode Check(JsonNode health, string name) =>
        health["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!;

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {error} (mounting a tmpfs needs root, as in CI)");
    }
}
