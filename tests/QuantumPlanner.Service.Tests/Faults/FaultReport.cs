using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace QuantumPlanner.Service.Tests.Faults;

/// <summary>
/// A fault test's figures (load held, faults injected, inputs tried, jobs lost, duplicates, recovery): one JSON line in
/// the test output and, when QP_FAULT_REPORT names a file, appended to it (bench/faults/*.sh print that file).
/// </summary>
internal static class FaultReport
{
    public static void Write(ITestOutputHelper output, JsonObject figures)
    {
        var line = figures.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("QP_FAULT_REPORT") is { Length: > 0 } file)
        {
            File.AppendAllText(file, line + Environment.NewLine);
        }
    }

    /// <summary>An integer setting of a fault test from the environment (bench/faults scale the CI run up through it).</summary>
    public static int Setting(string name, int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : ciDefault;

    /// <summary>Counts by HTTP status ("0" = no answer), e.g. {"202":480,"503":1000}.</summary>
    public static JsonObject ByStatus(IEnumerable<RequestOutcome> outcomes)
    {
        var counts = new JsonObject();
        foreach (var group in outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key))
        {
            counts[group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = group.Count();
        }

        return counts;
    }
}
