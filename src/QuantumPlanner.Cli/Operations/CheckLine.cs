using System.Text.Json.Serialization;
using Spectre.Console;

namespace QuantumPlanner.Cli.Operations;

/// <summary>How one check of an ops verb came out: ✓ ok, ⚠ warning, ✗ failure (a failure makes the verb exit 1).</summary>
internal enum CheckMark
{
    Ok,
    Warning,
    Failure,
}

/// <summary>One line of a check list (ops health, ops security-audit).</summary>
internal sealed record CheckLine(string Name, [property: JsonIgnore] CheckMark Mark, string Detail)
{
    public string Symbol => Mark switch { CheckMark.Ok => "✓", CheckMark.Warning => "⚠", _ => "✗" };

    public string Status => Mark switch { CheckMark.Ok => "ok", CheckMark.Warning => "warning", _ => "failure" };

    public static CheckLine Ok(string name, string detail) => new(name, CheckMark.Ok, detail);

    public static CheckLine Warning(string name, string detail) => new(name, CheckMark.Warning, detail);

    public static CheckLine Failure(string name, string detail) => new(name, CheckMark.Failure, detail);
}

/// <summary>The one table layout of a check list.</summary>
internal static class CheckTable
{
    public static void Write(IAnsiConsole console, IEnumerable<CheckLine> checks)
    {
        var table = new Table().AddColumns(string.Empty, "check", "detail");
        foreach (var check in checks)
        {
            table.AddRow(check.Symbol, Markup.Escape(check.Name), Markup.Escape(check.Detail));
        }

        console.Write(table);
    }

    /// <summary>The closing sentence: any ✗ is a failure, else warnings are named.</summary>
    public static string Verdict(IReadOnlyCollection<CheckLine> checks, string failed, string passed) =>
        checks.Any(c => c.Mark == CheckMark.Failure) ? failed + ": at least one check failed (✗)."
        : passed + (checks.Any(c => c.Mark == CheckMark.Warning) ? " with warnings (⚠)." : ".");
}
