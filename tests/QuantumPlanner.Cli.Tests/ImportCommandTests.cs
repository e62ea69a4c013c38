using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.OrTools;

namespace QuantumPlanner.Cli.Tests;

[Collection("console")]
public sealed class ImportCommandTests
{
    [Theory]
    [InlineData("jsp", "ft06.txt")]
    [InlineData("gap", "gap1-1.txt")]
    [InlineData("rcpsp", "j301_1.sm")]
    public async Task Import_BenchmarkFile_PrintsJsonThatParsesAndValidates(string family, string file)
    {
        var (code, output) = await CliRun.RunAsync("import", family, DataPath(file));

        Assert.Equal(ExitCodes.Ok, code);
        var parsed = PlanningJson.ParseProblem(output, file);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Issues.Select(i => i.Message)));
        Assert.Empty(ProblemValidator.Validate(parsed.Problem!));
        var direct = family switch
        {
            "jsp" => JobShopImporter.Read(DataPath(file)),
            "gap" => GapImporter.Read(DataPath(file)),
            _ => RcpspImporter.Read(DataPath(file)),
        };
        Assert.Equal(direct.Tasks.Count, parsed.Problem!.Tasks.Count);
        Assert.Equal(direct.Tasks[^1].DependsOn, parsed.Problem.Tasks[^1].DependsOn);
        Assert.Equal(direct.Horizon, parsed.Problem.Horizon);
    }

    [Fact]
    public async Task Import_MalformedFile_ExitsWithBadInput()
    {
        var path = Path.Combine(Path.GetTempPath(), $"qplan-bad-{Environment.ProcessId}.txt");
        await File.WriteAllTextAsync(path, "2 2\n0 5 1 oops\n");
        try
        {
            var (code, _) = await CliRun.RunAsync("import", "jsp", path);

            Assert.Equal(ExitCodes.BadInput, code);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Import_ThroughPipelineWithCpSat_Ft06ReachesMakespan55()
    {
        var (_, output) = await CliRun.RunAsync("import", "jsp", DataPath("ft06.txt"));
        var problem = PlanningJson.ParseProblem(output, "ft06").Problem!;

        var plan = PlanningBackends.CreatePipeline()
            .Solve(problem, "auto", new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(10) }, CancellationToken.None);

        Assert.Equal(0, plan.Score.HardViolations);
        Assert.Equal(55, plan.Metrics.Makespan);
        Assert.Equal("optimal", plan.Status);
    }

    private static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "Data", name);
}
