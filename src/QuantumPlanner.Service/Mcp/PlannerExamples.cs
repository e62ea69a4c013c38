namespace QuantumPlanner.Service.Mcp;

/// <summary>The problems of the repository's examples folder, embedded in this assembly (MCP resources, dashboard).</summary>
public static class PlannerExamples
{
    public const string UriPrefix = "qplan://examples/";
    private const string ResourcePrefix = "QuantumPlanner.Examples.";

    /// <summary>(file name, JSON text) of every example, by name.</summary>
    public static IReadOnlyList<(string Name, string Json)> All => field ??= Load();

    private static List<(string Name, string Json)> Load()
    {
        var assembly = typeof(PlannerExamples).Assembly;
        var examples = new List<(string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            examples.Add((resource[ResourcePrefix.Length..], reader.ReadToEnd()));
        }

        return examples;
    }
}
