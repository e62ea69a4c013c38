namespace QuantumPlanner.OrTools.Tests;

internal static class TestData
{
    /// <summary>Small benchmark files copied from ../shared/benchmarks into Data/.</summary>
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Data", name);
}
