using System.Globalization;
using System.Xml.Linq;
using QuantumPlanner.Core.Charts;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Cli.Tests;

/// <summary>
/// The Gantt drawing read back as XML: labels fit their bars (no two overlap), windows shaded, dependencies and
/// deadlines drawn, and a legend entry for every kind of mark that appears; gantt-png through headless Chromium.
/// </summary>
public sealed class GanttTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // The width the drawing reserves per character of a label (GanttSvg.CharWidth).
    private const double CharWidth = 7.2;

    [Fact]
    public async Task FieldService_EveryLabelFitsItsBarAndNoTwoLabelsOverlap()
    {
        var (problem, plan) = await SolveAsync("field-service.json");
        var svg = XDocument.Parse(GanttSvg.Render(problem, plan));

        var bars = svg.Descendants(Svg + "g").Where(g => Classes(g).Contains("task") && !Classes(g).Contains("milestone")).ToList();
        Assert.Equal(plan.Assignments.Count, bars.Count);
        foreach (var rowGroup in svg.Descendants(Svg + "g").Where(g => Classes(g).Contains("row")))
        {
            var spans = new List<(double Start, double End, string Task)>();
            foreach (var bar in rowGroup.Elements(Svg + "g").Where(g => Classes(g).Contains("task")))
            {
                var task = bar.Attribute("data-task")!.Value;
                var rect = bar.Element(Svg + "rect")!;
                var label = bar.Element(Svg + "text")!.Value;
                var (x, width) = (Number(rect, "x"), Number(rect, "width"));
                Assert.StartsWith(task, bar.Element(Svg + "title")!.Value, StringComparison.Ordinal);
                Assert.True(label.Length * CharWidth <= width - 3, $"label '{label}' of {task} is wider than its bar ({width:0.#} px)");
                Assert.True(label == task || label.Length == 0 || (label.EndsWith('…') && task.StartsWith(label[..^1], StringComparison.Ordinal)), $"label '{label}' is not {task} shortened");
                spans.Add((x + 3, x + 3 + (label.Length * CharWidth), task));
            }

            var ordered = spans.OrderBy(s => s.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i].Start >= ordered[i - 1].End, $"labels of {ordered[i - 1].Task} and {ordered[i].Task} overlap");
            }
        }

        var drain = bars.Single(b => b.Attribute("data-task")?.Value == "drain-cleaning");
        Assert.Contains("drain-cleaning", drain.Element(Svg + "title")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FieldService_EveryBarCarriesItsAssignmentAndStartsAtOriginPlusStartTimesScale()
    {
        var (problem, plan) = await SolveAsync("field-service.json");
        var svg = XDocument.Parse(GanttSvg.Render(problem, plan));
        var (origin, scale) = (Number(svg.Root!, "data-origin"), Number(svg.Root!, "data-scale"));

        var bars = svg.Descendants(Svg + "g").Where(g => Classes(g).Contains("task")).ToDictionary(g => g.Attribute("data-task")!.Value);
        Assert.Equal(plan.Assignments.Count, bars.Count);
        foreach (var a in plan.Assignments)
        {
            var bar = bars[a.Task];
            Assert.Equal(a.Agent, bar.Attribute("data-agent")!.Value);
            Assert.Equal(a.Start, (int)Number(bar, "data-start"));
            Assert.Equal(a.End, (int)Number(bar, "data-end"));
            Assert.Equal(a.Agent, bar.Parent!.Attribute("data-row")!.Value);
            if (a.End > a.Start)
            {
                Assert.Equal(origin + (a.Start * scale), Number(bar.Element(Svg + "rect")!, "x"), 0.06);
            }
        }
    }

    [Fact]
    public async Task FieldService_AvailabilityWindowsAreShadedPerAgent()
    {
        var (problem, plan) = await SolveAsync("field-service.json");
        var svg = XDocument.Parse(GanttSvg.Render(problem, plan));

        foreach (var agent in problem.Agents)
        {
            var row = svg.Descendants(Svg + "g").Single(g => Classes(g).Contains("row") && g.Attribute("data-row")?.Value == agent.Id);
            var windows = row.Elements(Svg + "rect").Where(r => Classes(r).Contains("window")).ToList();
            Assert.Equal(agent.Availability.Count, windows.Count);
            Assert.Single(row.Elements(Svg + "rect"), r => Classes(r).Contains("unavailable"));
            for (var w = 0; w < windows.Count; w++)
            {
                Assert.Contains($"[{agent.Availability[w].Start}, {agent.Availability[w].End})", windows[w].Element(Svg + "title")!.Value, StringComparison.Ordinal);
            }
        }

        Assert.Equal(["agent available", "agent unavailable", "deadline met", "dependency (must end before the next starts)", "makespan", "task (colour per task, label shortened to fit; hover for details)"], Legend(svg));
    }

    [Fact]
    public async Task MlPipeline_DrawsOneArrowPerDependencyBetweenScheduledTasks()
    {
        var (problem, plan) = await SolveAsync("ml-pipeline.json");
        var svg = XDocument.Parse(GanttSvg.Render(problem, plan));

        var scheduled = plan.Assignments.Select(a => a.Task).ToHashSet(StringComparer.Ordinal);
        var edges = problem.Tasks.Where(t => scheduled.Contains(t.Id)).SelectMany(t => t.DependsOn.Where(scheduled.Contains).Select(d => $"{d} → {t.Id}")).Order(StringComparer.Ordinal).ToList();
        var arrows = svg.Descendants(Svg + "path").Where(p => Classes(p).Contains("dependency")).Select(p => p.Element(Svg + "title")!.Value).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(edges);
        Assert.Equal(edges, arrows);
        Assert.NotEmpty(plan.Unassigned);
        var dropped = svg.Descendants(Svg + "text").Single(t => Classes(t).Contains("dropped")).Element(Svg + "title")!.Value;
        Assert.All(plan.Unassigned, task => Assert.Contains(task, dropped, StringComparison.Ordinal));
    }

    [Fact]
    public void InfeasiblePlan_MarksMissedDeadlinesViolationsAndMilestonesWithLegend()
    {
        var problem = new PlanningProblem
        {
            Name = "late",
            Agents = [new Agent { Id = "a", Skills = ["x"] }],
            Tasks = [new PlanningTask { Id = "long-task", RequiredSkills = ["x"], Duration = 6, Deadline = 4 }, new PlanningTask { Id = "sign-off", RequiredSkills = ["x"], Duration = 0, DependsOn = ["long-task"] }],
        };
        var assignments = new[] { new Assignment("long-task", "a", 0, 6), new Assignment("sign-off", "a", 6, 6) };
        var (score, metrics) = PlanScorer.Score(problem, assignments);
        var plan = new Plan { Status = "infeasible", Backend = "test", Assignments = assignments, Score = score, Metrics = metrics };
        Assert.Contains(score.Violations, v => v.Task == "long-task");

        var svg = XDocument.Parse(GanttSvg.Render(problem, plan));

        Assert.Single(svg.Descendants(Svg + "g"), g => Classes(g).Contains("deadline") && Classes(g).Contains("missed"));
        Assert.Contains(svg.Descendants(Svg + "g"), g => Classes(g).Contains("violated") && g.Attribute("data-task")?.Value == "long-task");
        Assert.Contains(svg.Descendants(Svg + "g"), g => Classes(g).Contains("milestone") && g.Attribute("data-task")?.Value == "sign-off");
        Assert.Equal(["agent available", "deadline missed", "dependency (must end before the next starts)", "makespan", "milestone", "task (colour per task, label shortened to fit; hover for details)", "task with a hard violation"], Legend(svg));
    }

    [Fact]
    public void ProblemWithoutAgents_PacksLanesAndShowsNoAvailability()
    {
        var problem = new PlanningProblem
        {
            Name = "rcpsp",
            Resources = [new Resource { Id = "crane" }],
            Tasks = [new PlanningTask { Id = "dig", Duration = 2 }, new PlanningTask { Id = "paint", Duration = 1 }],
        };
        var assignments = new[] { new Assignment("dig", null, 0, 2), new Assignment("paint", null, 0, 1) };
        var (score, metrics) = PlanScorer.Score(problem, assignments);

        var svg = XDocument.Parse(GanttSvg.Render(problem, new Plan { Status = "feasible", Backend = "test", Assignments = assignments, Score = score, Metrics = metrics }));

        Assert.Equal(["lane 1", "lane 2"], svg.Descendants(Svg + "g").Where(g => Classes(g).Contains("row")).Select(g => g.Attribute("data-row")!.Value));
        Assert.DoesNotContain(svg.Descendants(Svg + "rect"), r => Classes(r).Contains("window"));
        Assert.Equal(["makespan", "task (colour per task, label shortened to fit; hover for details)"], Legend(svg));
    }

    [Fact]
    public void ResourceRows_UsageRowPerResourceWithItsTasksLanes_OverCapacityMarkedAndLegendNamed()
    {
        var problem = new PlanningProblem
        {
            Name = "site",
            Agents = [new Agent { Id = "ann", Skills = ["x"] }, new Agent { Id = "bo", Skills = ["x"] }, new Agent { Id = "cy", Skills = ["x"] }],
            Resources = [new Resource { Id = "crane", Capacity = 2 }],
            Tasks =
            [
                new PlanningTask { Id = "lift", RequiredSkills = ["x"], Duration = 2, Resources = new Dictionary<string, int> { ["crane"] = 1 } },
                new PlanningTask { Id = "hoist", RequiredSkills = ["x"], Duration = 2, Resources = new Dictionary<string, int> { ["crane"] = 2 } },
                new PlanningTask { Id = "paint", RequiredSkills = ["x"], Duration = 1 },
            ],
        };
        var assignments = new[] { new Assignment("lift", "ann", 0, 2), new Assignment("hoist", "bo", 1, 3), new Assignment("paint", "cy", 0, 1) };
        var (score, metrics) = PlanScorer.Score(problem, assignments);
        var plan = new Plan { Status = "infeasible", Backend = "test", Assignments = assignments, Score = score, Metrics = metrics };

        var svg = XDocument.Parse(GanttSvg.Render(problem, plan, GanttRows.Resources));

        var rows = svg.Descendants(Svg + "g").Where(g => Classes(g).Contains("row")).ToList();
        Assert.Equal(["crane", "crane", "crane", "no resource"], rows.Select(g => g.Attribute("data-row")!.Value));
        Assert.True(Classes(rows[0]).Contains("usage"));
        Assert.Equal("crane (capacity 2)", rows[0].Element(Svg + "text")!.Element(Svg + "title")!.Value);
        Assert.Equal(["lift", "hoist", "paint"], rows.Skip(1).Select(r => string.Join(",", r.Elements(Svg + "g").Select(g => g.Attribute("data-task")!.Value))));
        var use = rows[0].Elements(Svg + "rect").Where(r => Classes(r).Contains("use")).Select(r => (Start: (int)Number(r, "data-start"), End: (int)Number(r, "data-end"), Use: (int)Number(r, "data-use"), Over: Classes(r).Contains("over"))).ToList();
        Assert.Equal([(0, 1, 1, false), (1, 2, 3, true), (2, 3, 2, false)], use);
        var (origin, scale) = (Number(svg.Root!, "data-origin"), Number(svg.Root!, "data-scale"));
        var half = rows[0].Elements(Svg + "rect").First(r => Classes(r).Contains("use"));
        var full = rows[0].Elements(Svg + "rect").Last(r => Classes(r).Contains("use"));
        Assert.Equal(origin, Number(half, "x"), 0.06);
        Assert.Equal(Number(full, "height") / 2, Number(half, "height"), 0.1);
        Assert.Equal(origin + (3 * scale), Number(full, "x") + Number(full, "width"), 0.1);
        Assert.Contains("resource in use (height: share of its capacity)", Legend(svg));
        Assert.Contains("resource over capacity", Legend(svg));
        Assert.DoesNotContain("agent available", Legend(svg));
    }

    [Fact]
    public async Task SolveGanttSvg_ResourceRows_DrawsAUsageRowPerSharedResourceOfMlPipeline()
    {
        var (exit, output) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--format", "gantt-svg", "--gantt-rows", "resources", "--time-limit", "2", "--seed", "1");

        Assert.Equal(ExitCodes.Ok, exit);
        var svg = XDocument.Parse(output);
        Assert.Equal(["gpu", "warehouse"], svg.Descendants(Svg + "g").Where(g => Classes(g).Contains("usage")).Select(g => g.Attribute("data-row")!.Value));
        Assert.Contains(svg.Descendants(Svg + "g"), g => g.Attribute("data-row")?.Value == "gpu" && g.Elements(Svg + "g").Any(b => b.Attribute("data-task")?.Value == "train-transformer"));
    }

    [Fact]
    public async Task SolveGanttRows_Unknown_IsBadUsageNamingTheChoices()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--format", "gantt-svg", "--gantt-rows", "machines");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("agents or resources", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("drain-cleaning", 200, "drain-cleaning")]
    [InlineData("drain-cleaning", 50, "drain…")]
    [InlineData("drain-cleaning", 14, "")]
    [InlineData("a<b", 100, "a&lt;b")]
    public void Fit_ShortensWithAnEllipsisOrDropsTheLabel(string text, double pixels, string expected) =>
        Assert.Equal(expected, GanttSvg.Fit(text, pixels));

    [ChromiumFact]
    public async Task SolveGanttPng_FieldService_WritesAPngOfTheDrawnSizeKeptAsATestArtefact()
    {
        var artefacts = Path.Combine(TestRoot(), "TestResults", "artifacts");
        Directory.CreateDirectory(artefacts);
        var png = Path.Combine(artefacts, "gantt-field-service.png");
        File.Delete(png);
        Environment.SetEnvironmentVariable("QP_CHROMIUM", Environment.GetEnvironmentVariable("QP_TEST_CHROMIUM") ?? ChromiumFactAttribute.DefaultPath);

        var (exit, output, error) = await CliRun.RunAsync("solve", CliRun.Example("field-service.json"), "--format", "gantt-png", "--output", png, "--time-limit", "2", "--seed", "1");

        Assert.True(exit == ExitCodes.Ok, output + error);
        var bytes = File.ReadAllBytes(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        var (problem, plan) = await SolveAsync("field-service.json");
        var drawing = GanttSvg.Draw(problem, plan);
        Assert.Equal(drawing.Width, BigEndian(bytes, 16));
        Assert.Equal(drawing.Height, BigEndian(bytes, 20));
        File.WriteAllText(Path.ChangeExtension(png, ".svg"), drawing.Svg);

        // The resource view of an RCPSP-like example, kept beside it for a person to look at.
        var resources = Path.Combine(artefacts, "gantt-ml-pipeline-resources.png");
        (exit, output) = await CliRun.RunAsync("solve", CliRun.Example("ml-pipeline.json"), "--format", "gantt-png", "--gantt-rows", "resources", "--output", resources, "--time-limit", "2", "--seed", "1");
        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(resources)[..4]);
    }

    [Fact]
    public async Task SolveGanttPng_WithoutOutput_IsBadUsage()
    {
        var (exit, _, error) = await CliRun.RunAsync("solve", CliRun.Example("field-service.json"), "--format", "gantt-png");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--output", error, StringComparison.Ordinal);
    }

    private static async Task<(PlanningProblem Problem, Plan Plan)> SolveAsync(string example)
    {
        var (exit, output) = await CliRun.RunAsync("solve", CliRun.Example(example), "--format", "json", "--time-limit", "2", "--seed", "1");
        Assert.Equal(ExitCodes.Ok, exit);
        return (PlanningJson.ParseProblem(File.ReadAllText(CliRun.Example(example)), example).Problem!, PlanningJson.DeserializePlan(output));
    }

    private static List<string> Legend(XDocument svg) =>
        [.. svg.Descendants(Svg + "g").Where(g => Classes(g).Contains("legend-item")).Select(g => g.Element(Svg + "text")!.Value).Order(StringComparer.Ordinal)];

    private static string[] Classes(XElement element) => (element.Attribute("class")?.Value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static double Number(XElement element, string attribute) => double.Parse(element.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    private static int BigEndian(byte[] bytes, int offset) => (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];

    private static string TestRoot() => Path.GetDirectoryName(Path.GetDirectoryName(CliRun.Example("field-service.json")))!;
}

/// <summary>Needs headless Chromium (tests/services/chromium.sh); skipped locally without it, required under CI=true.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string DefaultPath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        var browser = Environment.GetEnvironmentVariable("QP_TEST_CHROMIUM") ?? DefaultPath;
        if (!File.Exists(browser) && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"{browser} is missing; tests/services/chromium.sh installs it.";
        }
    }
}
