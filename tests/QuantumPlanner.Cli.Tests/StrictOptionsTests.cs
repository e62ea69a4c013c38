using System.Xml.Linq;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Tests;

public class StrictOptionsTests
{
    /// <summary>
    /// Every verb of the app, read from Spectre's own model (`qplan cli xmldoc`), with a placeholder for each required
    /// argument. Files need not exist and required options may be missing: the parser refuses first, so no verb runs.
    /// </summary>
    public static TheoryData<string> Verbs() => new(VerbLines());

    private static List<string> VerbLines()
    {
        var (_, xml) = CliRun.RunAsync("cli", "xmldoc").GetAwaiter().GetResult();
        var model = XDocument.Parse(xml[xml.IndexOf('<', StringComparison.Ordinal)..]);
        var verbs = new List<string>();
        foreach (var command in model.Descendants("Command").Where(c => (string?)c.Attribute("IsBranch") == "false"))
        {
            var path = string.Join(' ', command.AncestorsAndSelf("Command").Reverse().Select(c => (string)c.Attribute("Name")!));
            var words = new List<string> { path };
            words.AddRange(command.Element("Parameters")?.Elements("Argument").Where(a => (string?)a.Attribute("Required") == "true").Select(a => ((string)a.Attribute("Name")!).Split('|')[0].ToLowerInvariant()) ?? []);
            verbs.Add(string.Join(' ', words));
        }

        return verbs;
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Verb_UnknownOption_ExitsWithBadInputNamingIt(string verb)
    {
        var (exit, _, error) = await CliRun.RunAsync([.. verb.Split(' '), "--no-such-flag"]);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"qplan {verb.Split(' ')[0]}", error, StringComparison.Ordinal);
        Assert.Contains("unknown option '--no-such-flag'", error, StringComparison.Ordinal);
        Assert.Contains("--help", error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Verb_StrayArgument_ExitsWithBadInputNamingIt(string verb)
    {
        var (exit, _, error) = await CliRun.RunAsync([.. verb.Split(' '), "stray-word"]);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("'stray-word'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_WordsAfterDoubleDash_ExitsWithBadInputNamingThem()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--", "stray-word");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("unexpected argument 'stray-word' after '--'", error, StringComparison.Ordinal);
        Assert.Contains("qplan solve --help", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verbs_ListEveryCommandOfTheApp()
    {
        var commands = typeof(QplanApp).Assembly.GetTypes().Count(t => !t.IsAbstract && typeof(ICommand).IsAssignableFrom(t));

        var verbs = VerbLines();

        Assert.True(verbs.Count >= commands, $"{verbs.Count} verbs in the model, {commands} command classes");
        Assert.Contains("solve problem", verbs);
        Assert.Contains("qubo solve file", verbs);
    }

    [Fact]
    public async Task Solve_MisspelledOption_NamesTheNearestKnownOne()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--time-limt", "1", "--no-such-flag");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("qplan solve: unknown option '--time-limt'. Maybe you meant '--time-limit'.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuboSolve_MisspelledOption_NamesTheBranchAndTheNearestOption()
    {
        var (exit, _, error) = await CliRun.RunAsync("qubo", "solve", "model.qubo", "--sweep", "10");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("qplan qubo solve: unknown option '--sweep'. Maybe you meant '--sweeps'.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_SecondPositionalArgument_ExitsWithBadInputNamingIt()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "other.json");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("'other.json'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_KnownOptions_StillRun()
    {
        var (exit, _) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--backend", "greedy", "--time-limit", "1", "--seed", "3", "--format", "json");

        Assert.Equal(ExitCodes.Ok, exit);
    }
}
