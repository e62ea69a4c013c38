using System.Text.Json.Nodes;
using Spectre.Console;

namespace QuantumPlanner.Operations.Tests.Infrastructure;

/// <summary>Tests that swap the process's Console.Out/Error run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}

/// <summary>Runs qplan in-process and returns its exit code, stdout (the injected console and Console.Out) and stderr.</summary>
internal static class OpsRun
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        await Gate.WaitAsync();
        var (oldOut, oldError) = (Console.Out, Console.Error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        try
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            // Output through the injected console lands beside Console.Out; error lines beside Console.Error, as in a shell.
            var exit = await QuantumPlanner.Cli.QplanApp.RunAsync(args, Plain(stdout), Plain(stderr));
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
            Gate.Release();
        }
    }

    private static IAnsiConsole Plain(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Out = new AnsiConsoleOutput(writer),
        Interactive = InteractionSupport.No,
    });

    /// <summary>Runs <paramref name="body"/> with Console.Out captured (loggers made inside it write there) and returns what it wrote.</summary>
    public static async Task<string> CaptureStdoutAsync(Func<Task> body)
    {
        await Gate.WaitAsync();
        var oldOut = Console.Out;
        using var stdout = new StringWriter();
        try
        {
            Console.SetOut(TextWriter.Synchronized(stdout));
            await body();
            return stdout.ToString();
        }
        finally
        {
            Console.SetOut(oldOut);
            Gate.Release();
        }
    }

    /// <summary>Runs a --json verb and parses its one document; fails with stderr when it exits otherwise than expected.</summary>
    public static async Task<JsonNode> JsonAsync(int expectedExit, params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);
        Assert.True(exit == expectedExit, $"qplan {string.Join(' ', args)} exited {exit} (expected {expectedExit}).\nstdout: {output}\nstderr: {error}");
        return JsonNode.Parse(output) ?? throw new InvalidOperationException("empty JSON");
    }
}
