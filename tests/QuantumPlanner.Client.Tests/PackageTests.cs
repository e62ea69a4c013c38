using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using QuantumPlanner.Service.Tests;

namespace QuantumPlanner.Client.Tests;

/// <summary>
/// QuantumPlanner.Client is installable as a NuGet package: Core and Client are packed (from this build) into a
/// temporary local feed, a consumer project outside the repository restores them from that feed alone (no other
/// source, its own packages folder, so nothing cached from earlier runs answers) and builds, and runs submit → wait →
/// plan against a real service on a loopback port.
/// </summary>
public sealed class PackageTests : IAsyncLifetime
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);

    private readonly string root = Path.Combine(Path.GetTempPath(), "qp-package-tests", Guid.NewGuid().ToString("N"));
    private LoopbackService? service;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(root);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (service is not null)
        {
            await service.DisposeAsync();
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold its file a moment longer; the temporary folder is cleaned eventually.
        }
    }

    [Fact]
    public async Task PackedClientAndCore_RestoredFromALocalFeedIntoAConsumer_PlanAgainstARealService()
    {
        var feed = Directory.CreateDirectory(Path.Combine(root, "feed")).FullName;
        var repository = TestServices.RepositoryRoot();
        foreach (var project in new[] { "QuantumPlanner.Core", "QuantumPlanner.Client" })
        {
            // --no-build: the assemblies this test run was built with, not a second build racing the other test projects.
            await DotnetAsync(repository, "pack", Path.Combine(repository, "src", project, project + ".csproj"), "-c", Configuration, "--no-build", "-o", feed);
        }

        var client = Nuspec(feed, "QuantumPlanner.Client");
        var core = Nuspec(feed, "QuantumPlanner.Core");
        foreach (var (id, nuspec) in new[] { ("QuantumPlanner.Client", client), ("QuantumPlanner.Core", core) })
        {
            Assert.Equal(id, Value(nuspec, "id"));
            Assert.False(string.IsNullOrWhiteSpace(Value(nuspec, "description")), $"{id} has no description");
            Assert.Equal("MIT", Value(nuspec, "license"));
            Assert.Equal("README.md", Value(nuspec, "readme"));
            Assert.NotNull(Value(nuspec, "projectUrl"));
            Assert.NotNull(nuspec.Descendants().Single(e => e.Name.LocalName == "repository").Attribute("url"));
        }

        var dependency = client.Descendants().Single(e => e.Name.LocalName == "dependency");
        Assert.Equal("QuantumPlanner.Core", dependency.Attribute("id")!.Value);
        Assert.Equal(Value(core, "version"), dependency.Attribute("version")!.Value);

        var consumer = WriteConsumer(feed, Value(client, "version")!);
        await DotnetAsync(consumer, "build", "-c", "Release");
        Assert.True(File.Exists(Path.Combine(root, "packages", "quantumplanner.core", Value(core, "version")!, "lib", "net10.0", "QuantumPlanner.Core.dll")), "Core was not restored from the feed");

        service = await LoopbackService.StartAsync(Directory.CreateDirectory(Path.Combine(root, "service")).FullName, workers: 1);
        var output = await DotnetAsync(consumer, Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll"), service.Address.ToString(), await service.CreateKeyAsync("consumer"));

        Assert.Contains("job completed", output, StringComparison.Ordinal);
        Assert.Contains("plan 3 assignments, 0 hard violations, makespan 5", output, StringComparison.Ordinal);
        Assert.Contains("unknown job: NotFoundException 404", output, StringComparison.Ordinal);
    }

    /// <summary>A console project outside the repository that knows only the feed: no repo props, no other source.</summary>
    private string WriteConsumer(string feed, string version)
    {
        var dir = Directory.CreateDirectory(Path.Combine(root, "consumer")).FullName;
        // Empty files stop MSBuild's search upwards for the props of whatever folder the temp directory is in.
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(dir, file), "<Project />\n");
        }

        File.WriteAllText(Path.Combine(dir, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(root, "packages")}" />
              </config>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <UseAppHost>false</UseAppHost>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="QuantumPlanner.Client" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), """
            using QuantumPlanner.Client;
            using QuantumPlanner.Core.Planning;

            using var client = new QuantumPlannerClient(new Uri(args[0]), new QuantumPlannerClientOptions { ApiKey = args[1] });
            var problem = new PlanningProblem
            {
                Name = "consumer",
                Agents = [new Agent { Id = "ana", Skills = ["x"] }, new Agent { Id = "bo", Skills = ["x", "y"] }],
                Tasks =
                [
                    new PlanningTask { Id = "design", RequiredSkills = ["x"], Duration = 2 },
                    new PlanningTask { Id = "build", RequiredSkills = ["y"], Duration = 3, DependsOn = ["design"] },
                    new PlanningTask { Id = "docs", RequiredSkills = ["x"], Duration = 1 },
                ],
            };

            var job = await client.SubmitAsync(new PlanRequest(problem) { TimeLimitSeconds = 2, Seed = 1 });
            var finished = await client.WaitAsync(job.Id, TimeSpan.FromSeconds(90));
            Console.WriteLine($"job {finished.Status}");
            var plan = await client.GetResultAsync(job.Id);
            Console.WriteLine($"plan {plan.Assignments.Count} assignments, {plan.Score.HardViolations} hard violations, makespan {plan.Metrics.Makespan}");
            try
            {
                await client.GetAsync(Guid.NewGuid());
            }
            catch (NotFoundException ex)
            {
                Console.WriteLine($"unknown job: {ex.GetType().Name} {(int)ex.Status}");
            }
            """);
        return dir;
    }

    private static XElement Nuspec(string feed, string id)
    {
        var package = Assert.Single(Directory.GetFiles(feed, id + ".*.nupkg"), f => !f.EndsWith(".symbols.nupkg", StringComparison.Ordinal));
        using var zip = ZipFile.OpenRead(package);
        using var stream = zip.GetEntry(id + ".nuspec")!.Open();
        return XElement.Load(stream);
    }

    private static string? Value(XElement nuspec, string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    /// <summary>Runs dotnet with <paramref name="arguments"/> in <paramref name="directory"/>; fails the test with its output unless it exits 0.</summary>
    private static async Task<string> DotnetAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild settings belong to the build that made it, not to the one started here.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        output.Append(await stdout).Append(await stderr);
        Assert.True(process.HasExited && process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} (in {directory}) {(process.HasExited ? "exited " + process.ExitCode : "ran past " + StepTimeout)}:\n{output}");
        return output.ToString();
    }
}
