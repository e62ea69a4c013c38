using Spectre.Console;

namespace QuantumPlanner.Cli;

/// <summary>
/// The streams of one qplan run: <see cref="Out"/> carries the result (one document with --json), <see cref="Error"/>
/// progress, messages and errors, <see cref="In"/> answers to questions. Commands take it by injection so tests read
/// both streams; this is the one place that binds to the process's console.
/// </summary>
public sealed class Consoles
{
    private static readonly AsyncLocal<Consoles?> Current = new();
    private readonly bool answers;

    public Consoles(IAnsiConsole output, IAnsiConsole error, TextReader? input = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        Out = output;
        Error = error;
        In = input ?? Console.In;
        answers = input is not null || !Console.IsInputRedirected;
    }

    public IAnsiConsole Out { get; }

    public IAnsiConsole Error { get; }

    public TextReader In { get; }

    /// <summary>The run's stderr for code reached without injection.</summary>
    internal static IAnsiConsole Stderr => Current.Value?.Error ?? Over(Console.Error);

    /// <summary>The process's own streams, bound when the run starts (so a redirected Console.Out is the one used).</summary>
    internal static Consoles OfProcess() => new(Over(Console.Out), Over(Console.Error));

    /// <summary>Makes these the run's consoles for the rest of the calling flow (async-local, so parallel runs in tests stay apart).</summary>
    internal void Enter() => Current.Value = this;

    /// <summary>
    /// Asks a yes/no question on stderr and reads the answer; anything but y/yes is no, and so is a redirected
    /// process stdin (scripts, cron), which never confirms.
    /// </summary>
    public bool Confirm(string question)
    {
        if (!answers)
        {
            return false;
        }

        Error.Profile.Out.Writer.Write(question);
        Error.Profile.Out.Writer.Flush();
        return In.ReadLine()?.Trim().ToLowerInvariant() is "y" or "yes";
    }

    /// <summary>Writes a line on stdout as it is (a JSON document, a key): no markup, no wrapping at the console's width.</summary>
    public void Print(string text) => Out.Profile.Out.Writer.WriteLine(text);

    /// <summary>Writes a progress line or a message on stderr as it is.</summary>
    public void Note(string text) => Error.Profile.Out.Writer.WriteLine(text);

    /// <summary>Writes "error: MESSAGE" on stderr (the prefix red on a terminal, the message never wrapped).</summary>
    public void Fail(string message)
    {
        Error.Markup("[red]error:[/] ");
        Error.Profile.Out.Writer.WriteLine(message);
    }

    private static IAnsiConsole Over(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
}
