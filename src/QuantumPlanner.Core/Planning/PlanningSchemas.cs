namespace QuantumPlanner.Core.Planning;

/// <summary>
/// The JSON Schemas (draft 2020-12) of the problem and plan documents, as published in docs/schemas and served at
/// /schemas/{name}. They describe shape only; cross-references and cycles are <see cref="ProblemValidator"/>'s job.
/// </summary>
public static class PlanningSchemas
{
    public const string ProblemName = "problem.json";

    public const string PlanName = "plan.json";

    public static string Problem => field ??= Read(ProblemName);

    public static string Plan => field ??= Read(PlanName);

    /// <summary>The schema called <paramref name="name"/> (problem.json or plan.json), or null for any other name.</summary>
    public static string? Find(string name) => name switch
    {
        ProblemName => Problem,
        PlanName => Plan,
        _ => null,
    };

    private static string Read(string name)
    {
        using var stream = typeof(PlanningSchemas).Assembly.GetManifestResourceStream("QuantumPlanner.Schemas." + name)
            ?? throw new InvalidOperationException($"The schema {name} is not embedded in {typeof(PlanningSchemas).Assembly.GetName().Name}. Maybe docs/schemas/{name} is missing at build time.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
