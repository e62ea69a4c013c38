using System.Text.Json;
using System.Text.RegularExpressions;

namespace QuantumPlanner.Cli.Tests;

/// <summary>
/// Every verb writes through the run's injected consoles: results on stdout (one document with --json), progress,
/// messages and errors on stderr. The source scan keeps new code from reaching for System.Console again.
/// </summary>
public sealed partial class ConsoleRoutingTests : IDisposable
{
    // Consoles.cs binds the run to the process's streams. The data-safety verbs' shared base is converted on its own branch.
    private static readonly string[] Exempt = ["Consoles.cs"];

    private readonly string dataDir = Path.Combine(Path.GetTempPath(), $"qplan-consoles-{Guid.NewGuid():N}");

    [Fact]
    public void CliSources_WriteOnlyThroughTheInjectedConsoles()
    {
        var root = Path.Combine(RepositoryRoot(), "src", "QuantumPlanner.Cli");
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal) || Exempt.Contains(relative))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var code = lines[i].Split("//", 2)[0];
                if (DirectWrite().IsMatch(code))
                {
                    offenders.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "These lines write to the process console instead of the injected Consoles (take Consoles in the constructor and use Out/Error/Print/Note/Fail):\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void DirectWrite_MatchesTheWaysAroundTheInjectedConsoles()
    {
        // The scan above is only as good as this pattern: each of these must be caught.
        string[] writes = ["Console.Out.WriteLine(x);", "await Console.Error.WriteLineAsync(x)", "Console.WriteLine(x);", "Console.Write(x);", "AnsiConsole.Write(table);", "AnsiConsole.MarkupLine(x);", "(errors ?? AnsiConsole.Console)", "Console.SetOut(w);", "Console.OpenStandardOutput()", "System.Console.Out.Write(x);"];
        string[] allowed = ["consoles.Out.Write(table);", "consoles.Note(x);", "AnsiConsole.Create(settings)", "var log = Console.In;", "using Spectre.Console.Cli;"];

        Assert.All(writes, line => Assert.Matches(DirectWrite(), line));
        Assert.All(allowed, line => Assert.DoesNotMatch(DirectWrite(), line));
    }

    [Fact]
    public async Task KeysCreate_Json_PrintsOneDocumentOnStdoutAndNothingOnStderr()
    {
        var (exit, output, error) = await CliRun.RunAsync("keys", "create", "--tenant", "acme", "--data-dir", dataDir, "--json");

        Assert.Equal(ExitCodes.Ok, exit);
        using var document = JsonDocument.Parse(output);
        Assert.Equal("acme", document.RootElement.GetProperty("tenant").GetString());
        Assert.StartsWith("qp_", document.RootElement.GetProperty("key").GetString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task KeysList_Table_GoesToStdout()
    {
        Assert.Equal(ExitCodes.Ok, (await CliRun.RunAsync("keys", "create", "--tenant", "globex", "--data-dir", dataDir)).Exit);

        var (exit, output, error) = await CliRun.RunAsync("keys", "list", "--data-dir", dataDir);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("globex", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task DbMigrate_SaysWhatItDidOnStdout()
    {
        var (exit, output, error) = await CliRun.RunAsync("db", "migrate", "--data-dir", dataDir);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("Migrations applied (sqlite).", output.Trim());
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task SolveJsonExplain_PlanOnStdoutExplanationOnStderr()
    {
        var (exit, output, error) = await CliRun.RunAsync("solve", CliRun.Example("software-sprint.json"), "--backend", "greedy", "--format", "json", "--explain");

        Assert.Equal(ExitCodes.Ok, exit);
        using var plan = JsonDocument.Parse(output);
        Assert.Equal("greedy", plan.RootElement.GetProperty("backend").GetString());
        Assert.Contains("by greedy", error, StringComparison.Ordinal);
        Assert.Contains("Term", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SolveDumpQubo_NamesTheFileOnStderrAndKeepsTheJsonAlone()
    {
        var dump = Path.Combine(dataDir, "model.qubo");
        Directory.CreateDirectory(dataDir);

        var (exit, output, error) = await CliRun.RunAsync("solve", CliRun.Example("support-tickets.json"), "--backend", "greedy", "--format", "json", "--dump-qubo", dump);

        Assert.Equal(ExitCodes.Ok, exit);
        using var plan = JsonDocument.Parse(output);
        Assert.Contains(dump, error, StringComparison.Ordinal);
        Assert.True(File.Exists(dump));
    }

    [Fact]
    public async Task Solve_InvalidProblem_ListsTheIssuesOnStderrOnly()
    {
        var problem = CliRun.TempFile("""{"name":"x","agents":[{"id":"a"}],"tasks":[{"id":"t","duration":1,"requiredSkills":["nobody-has-it"]}]}""");
        try
        {
            var (exit, output, error) = await CliRun.RunAsync("solve", problem, "--format", "json");

            Assert.Equal(ExitCodes.BadInput, exit);
            Assert.Equal(string.Empty, output);
            Assert.Contains("nobody-has-it", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(problem);
        }
    }

    [Fact]
    public async Task UnknownOption_ErrorOnStderrNothingOnStdout()
    {
        var (exit, output, error) = await CliRun.RunAsync("keys", "list", "--data-dir", dataDir, "--jsno");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("error: qplan keys list: unknown option '--jsno'. Maybe you meant '--json'.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CacheFlushAll_AnsweredNo_AsksOnStderrAndChangesNothing()
    {
        // The question comes before any connection, so a refused answer never reaches the (absent) Redis.
        var (exit, output, error) = await CliRun.RunWithInputAsync("n\n", "ops", "cache", "flush", "--all", "--redis", "127.0.0.1:1", "--data-dir", dataDir);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("FLUSHDB on 127.0.0.1:1 removes every key", error, StringComparison.Ordinal);
        Assert.Contains("Not flushed. Maybe", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpsQuantumTest_NotConfigured_ExplainsOnStderrAndPrintsTheDocumentOnStdout()
    {
        if (Environment.GetEnvironmentVariable(QuantumPlanner.Remote.QuantumConfiguration.EndpointVariable) is not null)
        {
            return;
        }

        var (exit, output, error) = await CliRun.RunAsync("ops", "quantum-test", "--json");

        Assert.Equal(ExitCodes.Failure, exit);
        using var document = JsonDocument.Parse(output);
        Assert.False(document.RootElement.GetProperty("configured").GetBoolean());
        Assert.Contains("No remote annealer is configured. Maybe set", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [GeneratedRegex(@"(?<![\w.])((System\.)?Console\.(Out|Error|Write|WriteLine|SetOut|SetError|OpenStandardOutput|OpenStandardError)\b|AnsiConsole\.(Write|WriteLine|Markup|MarkupLine|MarkupInterpolated|Console|Progress|Status|Live|Prompt|Ask|Confirm|WriteException)\b)")]
    private static partial Regex DirectWrite();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QuantumPlanner.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"QuantumPlanner.slnx not found above {AppContext.BaseDirectory}.");
    }
}
