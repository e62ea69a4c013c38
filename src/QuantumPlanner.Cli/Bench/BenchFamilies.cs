using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Cli.Bench;

/// <summary>Every family <c>qplan bench</c> knows.</summary>
internal static class BenchFamilies
{
    private static readonly Dictionary<string, Func<IBenchFamily>> Factories = new(StringComparer.Ordinal)
    {
        ["bqp"] = () => new QuboBenchFamily("bqp", QuboFormat.Bqp),
        ["gset"] = () => new QuboBenchFamily("gset", QuboFormat.Gset),
        ["gap"] = () => PlanningBenchFamily.Gap(),
        ["jsp"] = () => PlanningBenchFamily.JobShop(),
        ["rcpsp"] = () => PlanningBenchFamily.Rcpsp(),
    };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static IBenchFamily Create(string name) => Factories.TryGetValue(name, out var factory)
        ? factory()
        : throw new UserInputException($"Unknown benchmark family '{name}'. Choose one of: {string.Join(", ", Names)}.");
}
