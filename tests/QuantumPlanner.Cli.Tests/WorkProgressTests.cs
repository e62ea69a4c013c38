using System.Text;
using QuantumPlanner.Cli.Commands.Ops;
using Spectre.Console;

namespace QuantumPlanner.Cli.Tests;

/// <summary>The data-safety verbs' progress bars: drawn on a terminal, silent with --json or when stderr is not one.</summary>
public sealed class WorkProgressTests
{
    [Fact]
    public async Task OnATerminal_EachStepIsDrawn_AndEndsFull()
    {
        var (console, output) = Console(terminal: true);

        var result = await WorkProgress.RunAsync(new OpsSettings(), async step =>
        {
            step("archive, verify, delete").Report((250, 1000));
            await Task.Yield();
            step("upload").Report((0, 0));
            return 42;
        }, console);

        Assert.Equal(42, result);
        var text = output.ToString();
        Assert.Contains("archive, verify, delete", text, StringComparison.Ordinal);
        Assert.Contains("upload", text, StringComparison.Ordinal);
        Assert.Contains("100%", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithJson_OrWhenTheOutputIsNoTerminal_NothingIsWritten_AndTheWorkStillRuns()
    {
        var (terminal, terminalOutput) = Console(terminal: true);
        var (redirected, redirectedOutput) = Console(terminal: false);
        var steps = 0;
        Task<int> Work(Func<string, WorkProgress.IStep> step)
        {
            step("backup").Report((1, 2));
            return Task.FromResult(++steps);
        }

        Assert.Equal(1, await WorkProgress.RunAsync(new OpsSettings { Json = true }, Work, terminal));
        Assert.Equal(2, await WorkProgress.RunAsync(new OpsSettings(), Work, redirected));

        Assert.Equal(string.Empty, terminalOutput.ToString());
        Assert.Equal(string.Empty, redirectedOutput.ToString());
        Assert.False(WorkProgress.Shows(new OpsSettings(), redirected));
    }

    [Fact]
    public async Task AFailedStep_PropagatesItsError_AndGivesTheCursorBack()
    {
        var (console, output) = Console(terminal: true);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WorkProgress.RunAsync<int>(new OpsSettings(), step =>
        {
            step("restore").Report((3, 10));
            throw new InvalidOperationException("disk full");
        }, console));

        Assert.Equal("disk full", error.Message);
        Assert.EndsWith("\u001b[?25h", output.ToString().TrimEnd(), StringComparison.Ordinal);
    }

    private static (IAnsiConsole Console, StringWriter Output) Console(bool terminal)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Interactive = InteractionSupport.Yes,
            Out = new Output(output, terminal),
        });
        return (console, output);
    }

    private sealed class Output(TextWriter writer, bool terminal) : IAnsiConsoleOutput
    {
        public TextWriter Writer => writer;

        public bool IsTerminal => terminal;

        public int Width => 120;

        public int Height => 40;

        public void SetEncoding(Encoding encoding)
        {
        }
    }
}
