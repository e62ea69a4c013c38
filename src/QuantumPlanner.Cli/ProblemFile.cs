using QuantumPlanner.Core.Planning;
using Spectre.Console;

namespace QuantumPlanner.Cli;

/// <summary>Reads a problem file for the verbs that take one; reports every issue the way `validate` does.</summary>
internal static class ProblemFile
{
    /// <summary>
    /// The validated problem, or null and every parse and validation issue; throws for a missing file. The file is
    /// parsed and validated once here, and the pipeline solves the result without validating it again.
    /// </summary>
    public static (ValidatedProblem? Problem, IReadOnlyList<ValidationIssue> Issues) Load(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UserInputException("No problem file given. Maybe: qplan solve examples/software-sprint.json");
        }

        if (!File.Exists(path))
        {
            throw new UserInputException($"Problem file '{path}' does not exist. Maybe check the path, or run 'qplan generate --agents 5 --tasks 20 > problem.json'.");
        }

        var parsed = PlanningJson.ParseProblem(File.ReadAllText(path), Path.GetFileName(path));
        if (parsed.Problem is null || parsed.Issues.Count > 0)
        {
            return (null, parsed.Issues);
        }

        return ValidatedProblem.TryCreate(parsed.Problem);
    }

    public static void PrintIssues(IAnsiConsole console, string path, IReadOnlyList<ValidationIssue> issues)
    {
        console.MarkupLine($"[red]{Markup.Escape(path)}: {issues.Count} issue(s)[/]");
        var table = new Table().AddColumns("Code", "Item", "Problem", "Suggestion");
        table.Border = TableBorder.Simple;
        foreach (var issue in issues)
        {
            var where = issue.Line is { } line ? $" (line {line}, column {issue.Column})" : string.Empty;
            table.AddRow(Markup.Escape(issue.Code), Markup.Escape(issue.Item + where), Markup.Escape(issue.Message), Markup.Escape(issue.Suggestion));
        }

        console.Write(table);
    }
}
