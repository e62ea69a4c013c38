using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// The SQLite store on a real full disk: a 8 MiB tmpfs filled with ballast while clients submit. Mounting needs root,
/// as in CI (the operations tests mount one the same way).
/// Raw HttpClient on purpose: the test counts each status and Retry-After the wire carries while the disk is full,
/// which a client's retries would hide.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output) : IDisposable
{
    private readonly string mount = Path.Combine("/tmp", "qp-disk-full-" + Guid.NewGuid().ToString("N")[..8]);
    private bool mounted;

    [Fact]
    public async Task SqliteOnAFullDisk_Answers507NeverCorruptsAndRecoversWhenSpaceReturns()
    {
        Directory.CreateDirectory(mount);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mount);
        mounted = true;
        var data = Path.Combine(mount, "data");
        var accepted = new List<string>();
        string key;
        var ballast = Path.Combine(mount, "ballast");
        await using (var service = new TestService(new Dictionary<string, string?> { ["DataDir"] = data, ["Workers"] = "0" }))
        {
            key = await service.CreateKeyAsync("acme");
            using var client = service.Client(key);
            accepted.Add((await Api.SubmitAsync(client, Api.Job(Api.Problem(50), seed: 1)))["id"]!.GetValue<string>());

            // Leave about 256 KiB: each job below stores some 10 KiB of problem JSON, so the disk fills within a few dozen.
            var free = new DriveInfo(mount).AvailableFreeSpace;
            await File.WriteAllBytesAsync(ballast, new byte[Math.Max(0, free - (256 * 1024))]);
            HttpStatusCode refused = HttpStatusCode.Accepted;
            for (var i = 0; i < 400 && refused == HttpStatusCode.Accepted; i++)
            {
                using var submit = await client.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(150), seed: 100 + i)));
                if (submit.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted.Add((await submit.ReadObjectAsync())["id"]!.GetValue<string>());
                    continue;
                }

                refused = submit.StatusCode;
                var body = await submit.Content.ReadAsStringAsync();
                Assert.True(submit.StatusCode == HttpStatusCode.InsufficientStorage, $"a full disk answered {(int)submit.StatusCode}: {body}");
                Assert.Contains("no space left", body, StringComparison.Ordinal);
                Assert.NotNull(submit.Headers.RetryAfter);
            }

            Assert.Equal(HttpStatusCode.InsufficientStorage, refused);
            Assert.Equal("ok", IntegrityCheck(Path.Combine(data, "jobs.db")));

            // Space returns: the next submission is accepted without a restart.
            File.Delete(ballast);
            var clock = Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                using var retry = await client.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(10), seed: 999)));
                status = retry.StatusCode;
                if (status == HttpStatusCode.Accepted)
                {
                    accepted.Add((await retry.ReadObjectAsync())["id"]!.GetValue<string>());
                }
                else
                {
                    await Task.Delay(100);
                }
            }
            while (status != HttpStatusCode.Accepted && clock.Elapsed < TimeSpan.FromSeconds(20));

            Assert.Equal(HttpStatusCode.Accepted, status);
            output.WriteLine($"disk full after {accepted.Count - 1} accepted jobs; first 202 {clock.Elapsed.TotalSeconds:F2} s after the ballast was removed");
        }

        // Every job accepted before, during and after the fault completes once workers run.
        await using var workers = new TestService(new Dictionary<string, string?> { ["DataDir"] = data, ["Workers"] = "2" });
        using var reader = workers.Client(key);
        foreach (var id in accepted)
        {
            var job = await Api.WaitAsync(reader, id, TimeSpan.FromSeconds(60));
            Assert.Equal("completed", job["status"]!.GetValue<string>());
        }

        Assert.Equal("ok", IntegrityCheck(Path.Combine(data, "jobs.db")));
        output.WriteLine($"{accepted.Count} of {accepted.Count} accepted jobs completed; integrity_check ok before and after");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (mounted)
        {
            RunAsync("umount", mount).GetAwaiter().GetResult();
        }

        Directory.Delete(mount, recursive: true);
    }

    private static string IntegrityCheck(string file)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {error} (mounting a tmpfs needs root, as in CI)");
    }
}
