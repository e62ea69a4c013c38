using QuantumPlanner.Core.Planning;
using Spectre.Console;

namespace QuantumPlanner.Cli;

/// <summary>Reads a problem file for the verbs that take one; reports every issue the way `validate` does.</summary>
internal static class ProblemFile
{
    /// <summary>
    /// The validated problem (with <paramref name="baselinePath"/>'s plan as its baseline when given), the problem as
    /// read (null when the file itself does not parse) and every parse and validation issue; throws for a missing file.
    /// The file is parsed and validated once here, and the pipeline solves the result without validating it again.
    /// </summary>
    public static (ValidatedProblem? Valid, PlanningProblem? Read, IReadOnlyList<ValidationIssue> Issues) Load(string path, string? baselinePath = null)
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
            return (null, parsed.Problem, parsed.Issues);
        }

        var problem = parsed.Problem;
        if (baselinePath is not null)
        {
            if (!File.Exists(baselinePath))
            {
                throw new UserInputException($"Baseline file '{baselinePath}' does not exist. Maybe save a plan first: qplan solve PROBLEM --format json --output plan.json");
            }

            var (baseline, issues) = PlanningJson.ParseBaseline(File.ReadAllText(baselinePath), Path.GetFileName(baselinePath));
            if (baseline is null || issues.Count > 0)
            {
                return (null, problem, issues);
            }

            problem = problem with { Baseline = baseline };
        }

        var (valid, invalid) = ValidatedProblem.TryCreate(problem);
        return (valid, problem, invalid);
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
