using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Tests;

public class StrictOptionsTests
{
    /// <summary>
    /// Every verb with what it needs to get past its required arguments and options (Spectre checks those while binding,
    /// before the strictness check); files need not exist, since the check runs before the command.
    /// </summary>
    public static TheoryData<string> Verbs() => new(
        "solve problem.json",
        "validate problem.json",
        "generate",
        "backends",
        "import gap file.txt",
        "import jsp file.txt",
        "import rcpsp file.sm",
        "qubo solve model.qubo",
        "bench gap --suite suite-dir",
        "serve",
        "worker",
        "keys create --tenant acme",
        "keys list",
        "keys revoke key-id",
        "db migrate",
        "audit list",
        "ops maintenance status",
        "loadtest");

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Verb_UnknownOption_ExitsWithBadInputNamingIt(string verb)
    {
        var (exit, output) = await CliRun.RunAsync([.. verb.Split(' '), "--no-such-flag"]);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"qplan {verb.Split(' ')[0]}", output, StringComparison.Ordinal);
        Assert.Contains("unknown option '--no-such-flag'", output, StringComparison.Ordinal);
        Assert.Contains("--help", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Verb_StrayArgument_ExitsWithBadInputNamingIt(string verb)
    {
        var (exit, output) = await CliRun.RunAsync([.. verb.Split(' '), "--", "stray-word"]);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("unexpected argument 'stray-word'", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Verbs_ListEveryCommandOfTheApp()
    {
        var commands = typeof(QplanApp).Assembly.GetTypes().Count(t => !t.IsAbstract && typeof(ICommand).IsAssignableFrom(t));

        Assert.Equal(commands, Verbs().Count);
    }

    [Fact]
    public async Task Solve_MisspelledOption_NamesTheNearestKnownOne()
    {
        var (exit, output) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--time-limt", "1", "--no-such-flag");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("qplan solve: unknown option '--time-limt'. Maybe you meant '--time-limit'.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuboSolve_MisspelledOption_NamesTheBranchAndTheNearestOption()
    {
        var (exit, output) = await CliRun.RunAsync("qubo", "solve", "model.qubo", "--sweep", "10");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("qplan qubo solve: unknown option '--sweep'. Maybe you meant '--sweeps'.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_SecondPositionalArgument_ExitsWithBadInputNamingIt()
    {
        var (exit, output) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "other.json");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("'other.json'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_KnownOptions_StillRun()
    {
        var (exit, _) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--backend", "greedy", "--time-limit", "1", "--seed", "3", "--format", "json");

        Assert.Equal(ExitCodes.Ok, exit);
    }
}
