using Spectre.Console.Testing;

namespace QuantumPlanner.Cli.Tests;

/// <summary>Runs qplan in-process against test consoles that record what it printed on stdout and on stderr.</summary>
internal static class CliRun
{
    /// <summary>Runs qplan; the result deconstructs into (exit, stdout) or (exit, stdout, stderr).</summary>
    public static Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    /// <summary>Runs qplan with <paramref name="input"/> as its stdin (answers to questions).</summary>
    public static async Task<CliResult> RunWithInputAsync(string? input, params string[] args)
    {
        using var stdout = new TestConsole().Width(200);
        using var stderr = new TestConsole().Width(200);
        using var stdin = input is null ? null : new StringReader(input);
        var exit = await QplanApp.RunAsync(args, stdout, stderr, stdin);
        return new CliResult(exit, stdout.Output, stderr.Output);
    }

    /// <summary>The repository's examples folder, found by walking up from the test binaries.</summary>
    public static string Example(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"examples/{name} not found above {AppContext.BaseDirectory}.");
    }

    public static string TempFile(string content, string extension = ".json")
    {
        var path = Path.Combine(Path.GetTempPath(), $"qplan-test-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, content);
        return path;
    }
}

/// <summary>What one in-process qplan run returned and printed on each stream.</summary>
internal sealed record CliResult(int Exit, string Output, string Error)
{
    public void Deconstruct(out int exit, out string output)
    {
        exit = Exit;
        output = Output;
    }
}
