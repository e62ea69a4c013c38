using Spectre.Console;

namespace QuantumPlanner.Cli;

/// <summary>Human output goes to stdout; progress and diagnostics to stderr, so --json stdout stays one document.</summary>
internal static class Consoles
{
    private static IAnsiConsole? stderr;

    /// <summary>A console over the current Console.Out (created per call so tests that redirect stdout see the output).</summary>
    public static IAnsiConsole Stdout => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });

    public static IAnsiConsole Stderr => stderr ??= AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });
}
