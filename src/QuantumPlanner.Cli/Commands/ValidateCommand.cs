using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>qplan validate PROBLEM: lists every issue (exit 2) or says "valid" (exit 0).</summary>
public sealed class ValidateCommand(IAnsiConsole console) : Command<ValidateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<PROBLEM>")]
        [Description("Planning problem JSON file.")]
        public string Problem { get; init; } = string.Empty;

        [CommandOption("--json")]
        [Description("Print { valid, issues } as JSON.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (problem, _, issues) = ProblemFile.Load(settings.Problem);
        if (settings.Json)
        {
            var doc = new
            {
                valid = issues.Count == 0,
                issues = issues.Select(i => new { code = i.Code, item = i.Item, message = i.Message, suggestion = i.Suggestion, line = i.Line, column = i.Column }),
            };
            console.Profile.Out.Writer.WriteLine(JsonOutput.Serialize(doc));
        }
        else if (issues.Count > 0)
        {
            ProblemFile.PrintIssues(console, settings.Problem, issues);
        }
        else
        {
            var valid = problem!.Problem;
            console.MarkupLine($"[green]valid[/]: {valid.Tasks.Count} tasks, {valid.Agents.Count} agents, {valid.Resources.Count} resources");
        }

        return issues.Count == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
    }
}
