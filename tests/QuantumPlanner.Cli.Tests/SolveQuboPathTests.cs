using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Core.Qubo.Compilation;

namespace QuantumPlanner.Cli.Tests;

/// <summary>qplan solve on the QUBO path: --sampler, the plan's qubo section and --dump-qubo in each format.</summary>
public sealed class SolveQuboPathTests
{
    private static string Gap => Path.Combine(AppContext.BaseDirectory, "Data", "gap1-1.txt");

    [Fact]
    public async Task Solve_AnnealWithTabuSampler_PlanNamesTheSamplerAndReportsTheQuboSection()
    {
        var problem = CliRun.TempFile(PlanningJson.Serialize(GapImporter.Read(Gap)));
        try
        {
            var (exit, output) = await CliRun.RunAsync("solve", problem, "--backend", "anneal", "--sampler", "tabu", "--time-limit", "1", "--format", "json");

            Assert.Equal(ExitCodes.Ok, exit);
            var plan = PlanningJson.DeserializePlan(output);
            Assert.Equal("anneal/tabu", Assert.Single(plan.BackendsTried).Backend);
            var qubo = Assert.IsType<QuboInfo>(plan.Qubo);
            var view = PureAssignment.TryCreate(GapImporter.Read(Gap))!;
            Assert.Equal(AssignmentQuboCompiler.Compile(view).Model.VariableCount, qubo.Variables);
            Assert.Equal("tabu", qubo.Sampler);
            Assert.True(qubo.Rounds >= 1);
            Assert.True(qubo.SampleMs > 0);
            Assert.Equal(AssignmentQuboCompiler.ProvablePenalty(view), qubo.Penalties["provable"]);
        }
        finally
        {
            File.Delete(problem);
        }
    }

    [Fact]
    public async Task Solve_BackendThatSkipsTheQuboPath_PlanHasNoQuboSection()
    {
        var (exit, output) = await CliRun.RunAsync("solve", CliRun.Example("support-tickets.json"), "--backend", "greedy", "--format", "json");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Null(PlanningJson.DeserializePlan(output).Qubo);
    }

    [Theory]
    [InlineData("annealer", "Maybe one of: sa, pt, tabu")]
    [InlineData("tabuu", "Maybe you meant 'tabu'")]
    public async Task Solve_UnknownSampler_ExitsBadInputNamingItAndTheKnownOnes(string sampler, string fix)
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("support-tickets.json"), "--sampler", sampler);

        Assert.Equal(ExitCodes.BadInput, exit);
        var text = string.Join(" ", error.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"--sampler '{sampler}' is unknown", text, StringComparison.Ordinal);
        Assert.Contains(fix, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("qubo", ".qubo")]
    [InlineData("json", ".json")]
    [InlineData("dimod", ".bqm")]
    [InlineData(null, ".bqm")]
    public async Task Solve_DumpQubo_WritesTheCompiledModelInThatFormat(string? format, string extension)
    {
        var problem = CliRun.TempFile(PlanningJson.Serialize(GapImporter.Read(Gap)));
        var dump = CliRun.TempFile(string.Empty, extension);
        try
        {
            string[] args = ["solve", problem, "--backend", "greedy", "--dump-qubo", dump];
            var (exit, _) = await CliRun.RunAsync(format is null ? args : [.. args, "--qubo-format", format]);

            // Greedy may leave this tight instance infeasible (exit 1); the dump is written before the solve either way.
            Assert.NotEqual(ExitCodes.BadInput, exit);
            var expected = AssignmentQuboCompiler.Compile(PureAssignment.TryCreate(GapImporter.Read(Gap))!).Model;
            var written = extension == ".bqm" ? DimodBqmFormat.ReadFile(dump) : QuboFiles.Read(dump).Model;
            Assert.Equal(expected.VariableCount, written.VariableCount);
            Assert.Equal(expected.InteractionCount, written.InteractionCount);
            // .qubo cannot hold the offset; every other format keeps the energy of each state exactly.
            var offset = extension == ".qubo" ? expected.Offset : 0;
            var random = new Random(5);
            for (var trial = 0; trial < 20; trial++)
            {
                var sample = new sbyte[expected.VariableCount];
                for (var i = 0; i < sample.Length; i++)
                {
                    sample[i] = (sbyte)random.Next(2);
                }

                Assert.Equal(expected.Energy(sample), written.Energy(sample) + offset, 6);
            }
        }
        finally
        {
            File.Delete(problem);
            File.Delete(dump);
        }
    }

    [Fact]
    public async Task Solve_DumpQuboOfAProblemWhereTimingMatters_WritesTheSurrogateModel()
    {
        var dump = CliRun.TempFile(string.Empty, ".json");
        try
        {
            var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("software-sprint.json"), "--backend", "greedy", "--dump-qubo", dump);

            Assert.Equal(ExitCodes.Ok, exit);
            Assert.Contains("surrogate model", string.Join(" ", error.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
            var problem = PlanningJson.ParseProblem(File.ReadAllText(CliRun.Example("software-sprint.json")), "software-sprint.json").Problem!;
            var expected = AssignmentQuboCompiler.Compile(AssignmentSurrogate.Create(problem)!).Model;
            var written = QuboFiles.Read(dump).Model;
            Assert.Equal(expected.VariableCount, written.VariableCount);
            Assert.Equal(expected.InteractionCount, written.InteractionCount);
        }
        finally
        {
            File.Delete(dump);
        }
    }

    [Fact]
    public async Task Solve_DumpQuboOfAProblemWithoutAgents_WritesTheActivityListModel()
    {
        const string Json = """{"name": "rcpsp", "resources": [{"id": "r", "capacity": 1}], "tasks": [{"id": "a", "duration": 2, "resources": {"r": 1}}, {"id": "b", "duration": 3, "resources": {"r": 1}}, {"id": "c", "duration": 1, "dependsOn": ["a"]}]}""";
        var problem = CliRun.TempFile(Json, ".json");
        var dump = CliRun.TempFile(string.Empty, ".json");
        try
        {
            var (exit, _, error) = await CliRun.RunAsync("solve", problem, "--backend", "greedy", "--dump-qubo", dump);

            Assert.Equal(ExitCodes.Ok, exit);
            Assert.Contains("activity-list model", string.Join(" ", error.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
            var expected = ActivityListQuboCompiler.Compile(ActivityListSurrogate.Create(PlanningJson.ParseProblem(Json, "rcpsp.json").Problem!)!).Model;
            var written = QuboFiles.Read(dump).Model;
            Assert.Equal(expected.VariableCount, written.VariableCount);
            Assert.Equal(expected.InteractionCount, written.InteractionCount);
        }
        finally
        {
            File.Delete(problem);
            File.Delete(dump);
        }
    }

    [Fact]
    public async Task Solve_QuboFormatWithoutDump_ExitsBadInput()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("support-tickets.json"), "--qubo-format", "dimod");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--dump-qubo", error, StringComparison.Ordinal);
    }
}
