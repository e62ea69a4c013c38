using System.Globalization;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Core.Qubo.Compilation;

namespace QuantumPlanner.Cli.Output;

/// <summary>
/// qplan solve --dump-qubo FILE [--qubo-format qubo|json|dimod]: the problem compiled as the anneal backend compiles
/// it, with the provable penalty weight, for any other annealer or tool. For a pure assignment the model's ground
/// state is the plan's optimum; with agents otherwise it is the assignment surrogate, without agents the activity-list model (docs/quantum.md: timing, dependencies,
/// windows and resources are left to the schedule built after decoding). The anneal backend itself starts from a
/// smaller weight and raises it.
/// </summary>
internal static class QuboDump
{
    public enum Format
    {
        Qubo,
        Json,
        Dimod,
    }

    public static Format? ParseFormat(string name) => name.ToLowerInvariant() switch
    {
        "qubo" => Format.Qubo,
        "json" => Format.Json,
        "dimod" => Format.Dimod,
        _ => null,
    };

    /// <summary>Writes the compiled model and returns the line to print; a problem that does not compile is bad input.</summary>
    public static string Write(PlanningProblem problem, string path, string? format)
    {
        if (problem.Tasks.Count == 0)
        {
            throw new UserInputException($"Problem '{problem.Name}' does not compile to a QUBO: it has no tasks. Maybe drop --dump-qubo.");
        }

        var chosen = format is null ? FromExtension(path) : ParseFormat(format)!.Value;
        var (model, kind, penalty) = Compile(problem);
        try
        {
            if (chosen == Format.Dimod)
            {
                DimodBqmFormat.WriteFile(model, path);
            }
            else
            {
                using var writer = new StreamWriter(path);
                QuboFiles.Write(new QuboProblem(problem.Name, model, ObjectiveSense.Minimize, chosen == Format.Json ? QuboFormat.Json : QuboFormat.Qubo), writer, chosen == Format.Json ? QuboFormat.Json : QuboFormat.Qubo);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"--dump-qubo '{path}' cannot be written: {ex.Message} Maybe check the directory.", ex);
        }

        return string.Create(CultureInfo.InvariantCulture, $"wrote {path} ({chosen.ToString().ToLowerInvariant()}, {kind} model: {model.VariableCount} variables, {model.InteractionCount} interactions, penalty {penalty})");
    }

    /// <summary>The model anneal compiles (an activity list without agents, else the assignment), at the provable penalty.</summary>
    private static (BinaryQuadraticModel Model, string Kind, double Penalty) Compile(PlanningProblem problem)
    {
        if (ActivityListSurrogate.Create(problem) is { } list)
        {
            var activities = ActivityListQuboCompiler.Compile(list);
            return (activities.Model, "activity-list", activities.OneHotPenalty);
        }

        var terms = AssignmentSurrogate.Create(problem)!;
        var compiled = AssignmentQuboCompiler.Compile(terms);
        return (compiled.Model, terms.IsExact ? "exact" : "surrogate", compiled.OneHotPenalty);
    }

    private static Format FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => Format.Json,
        ".bqm" => Format.Dimod,
        _ => Format.Qubo,
    };
}
