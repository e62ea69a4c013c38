using System.Text.Json.Nodes;

namespace QuantumPlanner.Cli.Tests;

public class QuboSolveCommandTests
{
    private const string Model = """{"vartype": "BINARY", "linear": {"a": -1, "b": -1}, "quadratic": [["a", "b", 3]]}""";

    [Fact]
    public async Task Json_NoSolver_RunsAutoAndPrintsTheDocumentTheServiceAnswers()
    {
        var file = CliRun.TempFile(Model);
        string output;
        try
        {
            (var exit, output) = await CliRun.RunAsync("qubo", "solve", file, "--seed", "3", "--sweeps", "100", "--json");

            Assert.Equal(ExitCodes.Ok, exit);
        }
        finally
        {
            File.Delete(file);
        }

        var result = (JsonObject)JsonNode.Parse(output)!;
        Assert.Equal("auto", result["solver"]!.GetValue<string>());
        Assert.Equal(-1, result["energy"]!.GetValue<double>());
        Assert.Equal(1, result["sample"]!["a"]!.GetValue<int>() + result["sample"]!["b"]!.GetValue<int>());
        foreach (var name in new[] { "chosen", "vartype", "sense", "variables", "interactions", "objective", "meanObjective", "reads", "threads", "timing" })
        {
            Assert.NotNull(result[name]);
        }
    }

    [Theory]
    [InlineData("--reads", "0")]
    [InlineData("--sweeps", "-1")]
    [InlineData("--time-limit", "0")]
    [InlineData("--solver", "annealing")]
    public async Task BadValue_ExitsWithBadInputNamingTheFlag(string flag, string value)
    {
        var (exit, _, error) = await CliRun.RunAsync("qubo", "solve", "model.json", flag, value);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains($"{flag} ", error, StringComparison.Ordinal);
        Assert.Contains("Maybe", error, StringComparison.Ordinal);
    }
}
