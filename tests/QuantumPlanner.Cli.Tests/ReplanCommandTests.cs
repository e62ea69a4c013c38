using System.Text.Json.Nodes;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Cli.Tests;

/// <summary>qplan solve --baseline (re-planning from a saved plan), --check, and milestones in the Gantt chart.</summary>
public sealed class ReplanCommandTests
{
    [Fact]
    public async Task Solve_WithSavedPlanAsBaseline_KeepsThePinAndReportsChanges()
    {
        var example = CliRun.Example("ml-pipeline.json");
        var first = CliRun.TempFile(string.Empty);
        var second = CliRun.TempFile(string.Empty);
        try
        {
            var (exit, _) = await CliRun.RunAsync("solve", example, "--backend", "greedy", "--format", "json", "--output", first);
            Assert.Equal(ExitCodes.Ok, exit);

            // Pin the first assignment, as a user marks work that has started.
            var saved = JsonNode.Parse(await File.ReadAllTextAsync(first))!;
            var pinned = saved["assignments"]![0]!;
            pinned["pinned"] = true;
            await File.WriteAllTextAsync(first, saved.ToJsonString());

            (exit, var output) = await CliRun.RunAsync("solve", example, "--baseline", first, "--backend", "localsearch", "--time-limit", "1", "--check", "--explain", "--format", "json", "--output", second);

            Assert.Equal(ExitCodes.Ok, exit);
            Assert.Contains("Changes against the baseline", output, StringComparison.Ordinal);
            var plan = PlanningJson.DeserializePlan(await File.ReadAllTextAsync(second));
            Assert.NotNull(plan.Changes);
            var kept = Assert.Single(plan.Assignments, a => a.Task == (string)pinned["task"]!);
            Assert.Equal(((string?)pinned["agent"], (int)pinned["start"]!), (kept.Agent, kept.Start));
        }
        finally
        {
            File.Delete(first);
            File.Delete(second);
        }
    }

    [Fact]
    public async Task Solve_BaselinePinnedToUnknownAgent_ExitsBadInputNamingThePin()
    {
        var baseline = CliRun.TempFile("""{ "assignments": [{ "task": "train-transformer", "agent": "nobody", "start": 0, "pinned": true }] }""");
        try
        {
            var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--baseline", baseline);

            Assert.Equal(ExitCodes.BadInput, exit);
            Assert.Contains("baseline task 'train-transformer'", error, StringComparison.Ordinal);
            Assert.Contains("nobody", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(baseline);
        }
    }

    [Fact]
    public async Task Solve_BaselineWithUrl_ExitsBadInputInsteadOfDroppingIt()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--baseline", "plan.json", "--url", "http://127.0.0.1:9");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--baseline and --check apply to a local solve", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Solve_GanttSvgWithMilestone_DrawsADiamond()
    {
        var problem = CliRun.TempFile("""
            { "agents": [{ "id": "ana" }],
              "tasks": [{ "id": "build", "duration": 3 }, { "id": "release", "duration": 0, "dependsOn": ["build"] }] }
            """);
        var svg = Path.ChangeExtension(problem, ".svg");
        try
        {
            var (exit, _) = await CliRun.RunAsync("solve", problem, "--format", "gantt-svg", "--output", svg, "--check");

            Assert.Equal(ExitCodes.Ok, exit);
            var text = await File.ReadAllTextAsync(svg);
            Assert.Contains(" milestone\" data-task=\"release\"", text, StringComparison.Ordinal);
            Assert.Contains("(milestone)", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(problem);
            File.Delete(svg);
        }
    }
}
