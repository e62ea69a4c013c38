using System.Reflection;
using System.Text.Json;
using Json.Schema;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Cli.Tests;

/// <summary>
/// docs/schemas/problem.json and plan.json against every example, plans the CLI writes, documents that must fail,
/// and the property names the problem reader accepts (so the schema cannot drift from the reader).
/// </summary>
public sealed class SchemaTests
{
    private static readonly Lazy<JsonSchema> ProblemSchema = new(() => Build(PlanningSchemas.Problem));
    private static readonly Lazy<JsonSchema> PlanSchema = new(() => Build(PlanningSchemas.Plan));

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(CliRun.Example("software-sprint.json"))!, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void EmbeddedSchemas_AreTheFilesInDocs()
    {
        var docs = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(CliRun.Example("software-sprint.json")))!, "docs", "schemas");
        Assert.Equal(File.ReadAllText(Path.Combine(docs, "problem.json")), PlanningSchemas.Problem);
        Assert.Equal(File.ReadAllText(Path.Combine(docs, "plan.json")), PlanningSchemas.Plan);
        Assert.Null(PlanningSchemas.Find("other.json"));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void ProblemSchema_Example_IsValid(string example)
    {
        Assert.True(Examples().Count >= 5, "the examples folder was not found whole");
        AssertValid(ProblemSchema.Value, File.ReadAllText(CliRun.Example(example)));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task PlanSchema_PlanTheCliWritesForExample_IsValid(string example)
    {
        var (exit, output) = await CliRun.RunAsync("solve", CliRun.Example(example), "--format", "json", "--time-limit", "1");

        Assert.Equal(ExitCodes.Ok, exit);
        AssertValid(PlanSchema.Value, output);
    }

    [Fact]
    public async Task PlanSchema_InfeasiblePlanWithViolations_IsValid()
    {
        var problem = CliRun.TempFile(string.Empty);
        try
        {
            Assert.Equal(ExitCodes.Ok, (await CliRun.RunAsync("generate", "--agents", "3", "--tasks", "6", "--infeasible", "--output", problem)).Exit);
            AssertValid(ProblemSchema.Value, File.ReadAllText(problem));

            var (exit, output) = await CliRun.RunAsync("solve", problem, "--format", "json", "--time-limit", "1");

            Assert.Equal(ExitCodes.Failure, exit);
            Assert.Contains("\"violations\": [\n      {", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
            AssertValid(PlanSchema.Value, output);
        }
        finally
        {
            File.Delete(problem);
        }
    }

    [Fact]
    public async Task PlanSchema_AnnealPlanWithItsQuboSection_IsValid()
    {
        var (exit, output) = await CliRun.RunAsync("solve", CliRun.Example("support-tickets.json"), "--format", "json", "--backend", "anneal", "--sampler", "tabu", "--time-limit", "1");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("\"qubo\": {", output, StringComparison.Ordinal);
        AssertValid(PlanSchema.Value, output);
    }

    [Fact]
    public async Task BothSchemas_ResourceOnlyProblemAndItsPlan_AreValid()
    {
        const string problem = """
            { "name": "rcpsp", "resources": [{ "id": "crane", "capacity": 1 }],
              "tasks": [{ "id": "dig", "duration": 2, "resources": { "crane": 1 } },
                        { "id": "pour", "duration": 3, "resources": { "crane": 1 }, "dependsOn": ["dig"] },
                        { "id": "paint", "duration": 1 }] }
            """;
        AssertValid(ProblemSchema.Value, problem);

        var file = CliRun.TempFile(problem);
        try
        {
            var (solved, plan) = await CliRun.RunAsync("solve", file, "--format", "json", "--backend", "greedy");
            Assert.Equal(ExitCodes.Ok, solved);
            Assert.DoesNotContain("\"agent\"", plan, StringComparison.Ordinal);
            AssertValid(PlanSchema.Value, plan);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task BothSchemas_ReplanFromAPastedPlanWithAPin_AreValid()
    {
        var (exit, first) = await CliRun.RunAsync("solve", CliRun.Example("software-sprint.json"), "--format", "json", "--backend", "greedy");
        Assert.Equal(ExitCodes.Ok, exit);
        var problem = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(CliRun.Example("software-sprint.json")))!.AsObject();
        var baseline = System.Text.Json.Nodes.JsonNode.Parse(first)!.AsObject();
        baseline["assignments"]![0]!["pinned"] = true;
        problem["baseline"] = baseline;
        problem["objective"]!["changes"] = 5;
        AssertValid(ProblemSchema.Value, problem.ToJsonString());

        var file = CliRun.TempFile(problem.ToJsonString());
        try
        {
            var (solved, plan) = await CliRun.RunAsync("solve", file, "--format", "json", "--backend", "localsearch", "--time-limit", "1", "--seed", "9");
            Assert.Equal(ExitCodes.Ok, solved);
            AssertValid(PlanSchema.Value, plan);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("""{ "tasks": [{ "id": "a", "dependson": ["b"] }] }""", "/tasks/0/dependson")]
    [InlineData("""{ "tasks": [{ "id": "a" }], "baseline": { "assignments": [{ "task": "a", "pinned": "yes" }] } }""", "/baseline/assignments/0/pinned")]
    [InlineData("""{ "tasks": [{ "duration": 2 }] }""", "/tasks/0")]
    [InlineData("""{ "tasks": [{ "id": "a", "duration": "2" }] }""", "/tasks/0/duration")]
    [InlineData("""{ "tasks": [{ "id": "a", "duration": 0.5 }] }""", "/tasks/0/duration")]
    [InlineData("""{ "agents": [{ "id": "x", "availability": [{ "start": 0 }] }], "tasks": [] }""", "/agents/0/availability/0")]
    [InlineData("""{ "agents": [] }""", "")]
    [InlineData("""{ "tasks": [], "objective": { "speed": 1 } }""", "/objective/speed")]
    public void ProblemSchema_MalformedProblem_IsRejectedAtThePlace(string json, string location)
    {
        var results = Evaluate(ProblemSchema.Value, json);

        Assert.False(results.IsValid);
        Assert.Contains(Failures(results), f => f.Location == location);
    }

    [Fact]
    public void PlanSchema_PlanWithUnknownStatus_IsRejected()
    {
        var plan = PlanningJson.Serialize(new Plan { Status = "great", Backend = "greedy" });

        var results = Evaluate(PlanSchema.Value, plan);

        Assert.False(results.IsValid);
        Assert.Contains(Failures(results), f => f.Location == "/status");
    }

    [Theory]
    [InlineData("ProblemKeys", "")]
    [InlineData("AgentKeys", "agent")]
    [InlineData("ResourceKeys", "resource")]
    [InlineData("WindowKeys", "window")]
    [InlineData("TaskKeys", "task")]
    [InlineData("ObjectiveKeys", "objective")]
    [InlineData("BaselineKeys", "baseline")]
    [InlineData("BaselineAssignmentKeys", "baselineAssignment")]
    public void ProblemSchema_Properties_AreExactlyWhatTheReaderAccepts(string readerField, string definition)
    {
        var reader = typeof(PlanningJson).Assembly.GetType("QuantumPlanner.Core.Planning.ProblemReader", throwOnError: true)!;
        var accepted = (string[])reader.GetField(readerField, BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        using var schema = JsonDocument.Parse(PlanningSchemas.Problem);
        var node = definition.Length == 0 ? schema.RootElement : schema.RootElement.GetProperty("$defs").GetProperty(definition);
        var described = node.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();

        Assert.True(
            accepted.Order(StringComparer.Ordinal).SequenceEqual(described.Order(StringComparer.Ordinal)),
            $"ProblemReader.{readerField} accepts [{string.Join(", ", accepted)}] but docs/schemas/problem.json describes [{string.Join(", ", described)}]. Maybe update the schema's {(definition.Length == 0 ? "top-level" : definition)} properties.");
    }

    private static JsonSchema Build(string text)
    {
        using var document = JsonDocument.Parse(text);
        // A registry of its own per schema: the global one refuses a second schema with the same $id.
        return JsonSchema.Build(document.RootElement.Clone(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    private static EvaluationResults Evaluate(JsonSchema schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        return schema.Evaluate(document.RootElement.Clone(), new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static List<(string Location, string Message)> Failures(EvaluationResults results)
    {
        var failures = new List<(string, string)>();
        foreach (var detail in results.Details ?? [])
        {
            foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
            {
                failures.Add((detail.InstanceLocation.ToString(), $"{detail.InstanceLocation} {keyword}: {message}"));
            }
        }

        return failures;
    }

    private static void AssertValid(JsonSchema schema, string json)
    {
        var results = Evaluate(schema, json);
        Assert.True(results.IsValid, string.Join("\n", Failures(results).Select(f => f.Message)));
    }
}
