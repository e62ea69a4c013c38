using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Diagnostics.NETCore.Client;
using QuantumPlanner.Operations.Tests.Infrastructure;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Operations.Tests;

/// <summary>qplan ops profile: real EventPipe traces of a child qplan and of an in-process solve.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ProfileTests : IDisposable
{
    private const string LocalSearch = "QuantumPlanner.Solvers.Planning.LocalSearch.LocalSearchBackend";

    private readonly TempDirectories _temp = new();

    [Fact]
    public async Task Profile_ChildQplanSolving_WritesNettraceAndSpeedscopeNamingTheSearch()
    {
        var dir = _temp.New();
        var problem = Path.Combine(dir, "big.json");
        using (var generate = Start("generate", "--agents", "40", "--tasks", "200", "--seed", "3"))
        {
            await File.WriteAllTextAsync(problem, await generate.StandardOutput.ReadToEndAsync());
            await generate.WaitForExitAsync();
            Assert.Equal(0, generate.ExitCode);
        }

        using var child = Start("solve", problem, "--backend", "localsearch", "--time-limit", "30", "--format", "json");
        try
        {
            await WaitForDiagnosticsAsync(child.Id);
            var output = Path.Combine(dir, "serve-profile");
            var result = await OpsRun.JsonAsync(0, "ops", "profile", "--pid", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duration", "2s", "--output", output, "--top", "15", "--json");

            Assert.Equal(child.Id, result["pid"]!.GetValue<int>());
            AssertNettrace(output + ".nettrace");
            var speedscope = AssertSpeedscope(output + ".speedscope.json");
            Assert.Contains(speedscope["shared"]!["frames"]!.AsArray(), f => f!["name"]!.GetValue<string>().StartsWith(LocalSearch, StringComparison.Ordinal));
            Assert.True(result["samples"]!.GetValue<int>() > 100, $"only {result["samples"]} samples in 2 s");
            Assert.Contains(result["hotMethods"]!.AsArray(), m => m!["method"]!.GetValue<string>().StartsWith("QuantumPlanner.", StringComparison.Ordinal));
            Assert.False(child.HasExited, "the traced process must survive the trace");
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Profile_Problem_TracesTheSolveInProcessWithStages()
    {
        var output = Path.Combine(_temp.New(), "solve");
        var result = await OpsRun.JsonAsync(0, "ops", "profile", Path.Combine(Repository.Root, "examples", "software-sprint.json"),
            "--backend", "localsearch", "--time-limit", "2", "--output", output, "--json");
        AssertNettrace(output + ".nettrace");
        var speedscope = AssertSpeedscope(output + ".speedscope.json");
        Assert.Contains(speedscope["shared"]!["frames"]!.AsArray(), f => f!["name"]!.GetValue<string>().StartsWith(LocalSearch, StringComparison.Ordinal));
        var stages = result["stages"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.Equal("load + validate", stages[0]);
        Assert.Contains("solve (pipeline total)", stages);
        Assert.Contains(stages, s => s.StartsWith("  backend localsearch", StringComparison.Ordinal));
        var solve = result["stages"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "solve (pipeline total)")!;
        Assert.True(solve["allocatedBytes"]!.GetValue<long>() > 0);
        Assert.Equal("localsearch", result["plan"]!["backend"]!.GetValue<string>());
    }

    [Fact]
    public async Task Profile_NeitherProblemNorPid_IsBadInput()
    {
        var (exit, _, error) = await OpsRun.RunAsync("ops", "profile");
        Assert.Equal(2, exit);
        Assert.Contains("Give one of PROBLEM, --pid or --url", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_Url_TracesTheLocalProcessListeningOnItsPort()
    {
        // This test process listens, so --url must resolve to it (a served qplan is found the same way).
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var output = Path.Combine(_temp.New(), "by-url");
        var result = await OpsRun.JsonAsync(0, "ops", "profile", "--url", $"http://127.0.0.1:{port}", "--duration", "1s", "--output", output, "--json");
        Assert.Equal(Environment.ProcessId, result["pid"]!.GetValue<int>());
        AssertSpeedscope(output + ".speedscope.json");
    }

    [Fact]
    public async Task Profile_UrlNobodyListensOn_IsBadInputNamingThePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var (exit, _, error) = await OpsRun.RunAsync("ops", "profile", "--url", $"http://127.0.0.1:{port}", "--duration", "1s");
        Assert.Equal(2, exit);
        Assert.Contains($"No process on this machine listens on port {port}", error, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "qplan.dll"));
        args.ToList().ForEach(start.ArgumentList.Add);
        return Process.Start(start)!;
    }

    /// <summary>The child's diagnostics socket appears once its runtime is up.</summary>
    private static async Task WaitForDiagnosticsAsync(int pid)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!DiagnosticsClient.GetPublishedProcesses().Contains(pid))
        {
            Assert.True(DateTime.UtcNow < until, $"process {pid} published no diagnostics endpoint");
            await Task.Delay(100);
        }

        // Let the solve get past start-up, so the trace sees the search.
        await Task.Delay(1500);
    }

    private static void AssertNettrace(string path)
    {
        var head = new byte[8];
        using (var file = File.OpenRead(path))
        {
            Assert.Equal(8, file.Read(head));
            Assert.True(file.Length > 10_000, $"{path} has only {file.Length} bytes");
        }

        Assert.Equal("Nettrace", Encoding.ASCII.GetString(head));
    }

    private static JsonNode AssertSpeedscope(string path)
    {
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal("https://www.speedscope.app/file-format-schema.json", document["$schema"]!.GetValue<string>());
        var frames = document["shared"]!["frames"]!.AsArray().Count;
        Assert.True(frames > 0);
        var profiles = document["profiles"]!.AsArray();
        Assert.NotEmpty(profiles);
        foreach (var profile in profiles)
        {
            Assert.Equal("sampled", profile!["type"]!.GetValue<string>());
            var samples = profile["samples"]!.AsArray();
            Assert.Equal(samples.Count, profile["weights"]!.AsArray().Count);
            Assert.All(samples, s => Assert.All(s!.AsArray(), f => Assert.InRange(f!.GetValue<int>(), 0, frames - 1)));
            Assert.True(profile["endValue"]!.GetValue<double>() >= profile["startValue"]!.GetValue<double>());
        }

        return document;
    }
}
