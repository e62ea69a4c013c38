using System.Text.Json;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Cli.Tests;

public class PlanningCommandsTests
{
    [Theory]
    [InlineData("software-sprint.json")]
    [InlineData("field-service.json")]
    [InlineData("ml-pipeline.json")]
    [InlineData("ai-agents.json")]
    [InlineData("support-tickets.json")]
    public async Task Solve_Example_PrintsFeasibleJsonPlan(string example)
    {
        var (exit, output) = await CliRun.RunAsync("solve", CliRun.Example(example), "--format", "json", "--time-limit", "2");

        Assert.Equal(ExitCodes.Ok, exit);
        var plan = PlanningJson.DeserializePlan(output);
        Assert.Contains(plan.Status, new[] { "feasible", "optimal" });
        Assert.Empty(plan.Score.Violations);
        Assert.NotEmpty(plan.BackendsTried);
    }

    [Fact]
    public async Task Solve_TableWithExplain_ShowsSchedulesScoreAndBreakdown()
    {
        var (exit, output) = await CliRun.RunAsync("solve", CliRun.Example("software-sprint.json"), "--time-limit", "1", "--explain");

        Assert.Equal(ExitCodes.Ok, exit);
        foreach (var text in new[] { "alice", "design-api", "makespan", "total", "Hard constraints", "agent-capacity", "Per task", "Per agent" })
        {
            Assert.Contains(text, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Solve_GanttSvg_WritesOneRowPerAgentWithTaskLabels()
    {
        var output = Path.Combine(Path.GetTempPath(), $"qplan-gantt-{Guid.NewGuid():N}.svg");
        try
        {
            var (exit, _) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--backend", "greedy", "--format", "gantt-svg", "--output", output);

            Assert.Equal(ExitCodes.Ok, exit);
            var svg = File.ReadAllText(output);
            Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
            Assert.Equal(4, CountOf(svg, "class=\"row\""));
            Assert.Contains(">train-transformer<", svg, StringComparison.Ordinal);
            Assert.Contains("class=\"deadline ", svg, StringComparison.Ordinal);
            Assert.Contains("class=\"makespan\"", svg, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task Solve_MissingFile_ExitsWithBadInput()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", "/no/such/problem.json");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_UnknownBackend_ExitsWithBadInput()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("software-sprint.json"), "--backend", "nope");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("Unknown backend 'nope'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_InfeasibleProblem_ExitsWithFailureAndViolations()
    {
        var problem = CliRun.TempFile(string.Empty);
        try
        {
            Assert.Equal(ExitCodes.Ok, (await CliRun.RunAsync("generate", "--agents", "3", "--tasks", "6", "--infeasible", "--output", problem)).Exit);

            var (exit, output) = await CliRun.RunAsync("solve", problem, "--time-limit", "1");

            Assert.Equal(ExitCodes.Failure, exit);
            Assert.Contains("infeasible", output, StringComparison.Ordinal);
            Assert.Contains("deadline", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(problem);
        }
    }

    [Fact]
    public async Task Solve_ExactOnLargeProblem_ExitsWithFailureAndReason()
    {
        var problem = CliRun.TempFile(string.Empty);
        try
        {
            Assert.Equal(ExitCodes.Ok, (await CliRun.RunAsync("generate", "--agents", "4", "--tasks", "30", "--output", problem)).Exit);

            var (exit, output) = await CliRun.RunAsync("solve", problem, "--backend", "exact");

            Assert.Equal(ExitCodes.Failure, exit);
            Assert.Contains("no plan", output, StringComparison.Ordinal);
            Assert.Contains("refused", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(problem);
        }
    }

    [Fact]
    public async Task Validate_ValidExample_SaysValid()
    {
        var (exit, output) = await CliRun.RunAsync("validate", CliRun.Example("field-service.json"));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("valid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BrokenProblem_ListsEveryIssueAndExitsTwo()
    {
        var path = CliRun.TempFile("""
            {
              "agents": [{ "id": "a", "skills": ["x"] }],
              "tasks": [
                { "id": "t1", "requiredSkills": ["z"], "duration": -1 },
                { "id": "t2", "dependsOn": ["t9"] }
              ]
            }
            """);
        try
        {
            var (exit, output) = await CliRun.RunAsync("validate", path, "--json");

            Assert.Equal(ExitCodes.BadInput, exit);
            using var doc = JsonDocument.Parse(output);
            Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
            var codes = doc.RootElement.GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("code").GetString()).ToList();
            Assert.Contains("unknown-skill", codes);
            Assert.Contains("number-range", codes);
            Assert.Contains("unknown-dependency", codes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Validate_JsonSyntaxError_ReportsLineAndColumn()
    {
        var path = CliRun.TempFile("{\n  \"tasks\": [\n    { \"id\": \"a\", }\n    { \"id\": \"b\" }\n  ]\n}");
        try
        {
            var (exit, output) = await CliRun.RunAsync("validate", path);

            Assert.Equal(ExitCodes.BadInput, exit);
            Assert.Contains("json-syntax", output, StringComparison.Ordinal);
            Assert.Contains("line 4", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Generate_WithOptions_PrintsValidProblem()
    {
        var (exit, output) = await CliRun.RunAsync("generate", "--agents", "8", "--tasks", "20", "--skills", "4", "--dependencies", "0.5", "--time-windows", "--resources", "2", "--seed", "3");

        Assert.Equal(ExitCodes.Ok, exit);
        var parsed = PlanningJson.ParseProblem(output, "generated");
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Issues));
        Assert.Empty(ProblemValidator.Validate(parsed.Problem!));
        Assert.Equal((8, 20, 2), (parsed.Problem!.Agents.Count, parsed.Problem.Tasks.Count, parsed.Problem.Resources.Count));
        Assert.All(parsed.Problem.Agents, a => Assert.NotEmpty(a.Availability));
    }

    [Fact]
    public async Task Generate_BadProbability_ExitsWithBadInput()
    {
        var (exit, _) = await CliRun.RunAsync("generate", "--dependencies", "1.5");

        Assert.Equal(ExitCodes.BadInput, exit);
    }

    [Fact]
    public async Task Backends_Json_ListsEveryBuiltInBackend()
    {
        var (exit, output) = await CliRun.RunAsync("backends", "--json");

        Assert.Equal(ExitCodes.Ok, exit);
        using var doc = JsonDocument.Parse(output);
        var names = doc.RootElement.GetProperty("backends").EnumerateArray().Select(b => b.GetProperty("name").GetString()).ToList();
        Assert.Superset(new HashSet<string?> { "auto", "greedy", "localsearch", "exact" }, names.ToHashSet());
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
