using System.Globalization;
using System.Text;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Core.Tests.Planning;

/// <summary>Size limits checked while reading, and validation that stays linear on large and hostile inputs.</summary>
public class ProblemLimitsTests
{
    private static string Tasks(int count, Func<int, string> task) =>
        "{\"agents\":[{\"id\":\"a\",\"skills\":[\"x\"]}],\"tasks\":[" + string.Join(",", Enumerable.Range(0, count).Select(task)) + "]}";

    [Fact]
    public void ParseProblem_MoreTasksThanTheLimit_StopsAtTheFirstOneOverAndNamesIt()
    {
        // Every task after the limit is malformed: none of them may be read, or reported.
        var json = Tasks(PlanningLimits.MaxTasks + 3, i => i < PlanningLimits.MaxTasks ? $"{{\"id\":\"t{i}\",\"duration\":1}}" : $"{{\"id\":\"t{i}\",\"duration\":\"x\"}}");

        var result = PlanningJson.ParseProblem(json, "big.json");

        var issue = Assert.Single(result.Issues);
        Assert.Equal("limit", issue.Code);
        Assert.Equal($"$.tasks[{PlanningLimits.MaxTasks}]", issue.Item);
        Assert.Contains(PlanningLimits.MaxTasks.ToString(CultureInfo.InvariantCulture), issue.Message, StringComparison.Ordinal);
        Assert.StartsWith("Maybe", issue.Suggestion, StringComparison.Ordinal);
        Assert.Equal(1, issue.Line);
        Assert.Equal(PlanningLimits.MaxTasks, result.Problem!.Tasks.Count);
    }

    [Fact]
    public void ParseProblem_TaskWithTooManySkills_NamesTheTaskListAndLimit()
    {
        var skills = string.Join(",", Enumerable.Range(0, PlanningLimits.MaxSkillsPerItem + 1).Select(i => $"\"s{i}\""));
        var json = Tasks(1, _ => $"{{\"id\":\"t\",\"requiredSkills\":[{skills}]}}");

        var issue = Assert.Single(PlanningJson.ParseProblem(json, "p.json").Issues);

        Assert.Equal(("limit", $"$.tasks[0].requiredSkills[{PlanningLimits.MaxSkillsPerItem}]"), (issue.Code, issue.Item));
    }

    [Fact]
    public void ParseProblem_AgentMapOverTheLimit_NamesTheFirstEntryOver()
    {
        var entries = string.Join(",", Enumerable.Range(0, PlanningLimits.MaxAgents + 1).Select(i => $"\"a{i}\":1"));
        var json = Tasks(1, _ => $"{{\"id\":\"t\",\"durationByAgent\":{{{entries}}}}}");

        var issue = Assert.Single(PlanningJson.ParseProblem(json, "p.json").Issues);

        Assert.Equal(("limit", $"$.tasks[0].durationByAgent.a{PlanningLimits.MaxAgents}"), (issue.Code, issue.Item));
    }

    [Fact]
    public void ParseProblem_MinifiedFileWithIssuesFarIntoOneLine_CountsColumnsInCharacters()
    {
        // Multi-byte characters before the issue: the column counts characters, not bytes.
        var json = Tasks(3000, i => i == 2999 ? "{\"id\":\"é-last\",\"duration\":\"two\"}" : $"{{\"id\":\"é{i}\",\"duration\":1}}");
        var expected = json.IndexOf("\"two\"", StringComparison.Ordinal) + 1;

        var issue = Assert.Single(PlanningJson.ParseProblem(json, "min.json").Issues);

        Assert.Equal("$.tasks[2999].duration", issue.Item);
        Assert.Equal((1, expected), (issue.Line!.Value, issue.Column!.Value));
    }

    [Fact]
    public void ParseProblem_IssuesOnManyLines_ReportEachPositionInOrder()
    {
        var text = new StringBuilder("{\n\"tasks\": [\n");
        for (var i = 0; i < 50; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {{ \"id\": \"t{i}\", \"duration\": {(i % 10 == 0 ? "\"1\"" : "1")} }}{(i < 49 ? "," : string.Empty)}\n");
        }

        text.Append("]\n}");

        var lines = text.ToString().Split('\n');

        var issues = PlanningJson.ParseProblem(text.ToString(), "p.json").Issues;

        Assert.Equal([3, 13, 23, 33, 43], issues.Select(i => i.Line!.Value));
        Assert.All(issues, i => Assert.Equal(lines[i.Line!.Value - 1].IndexOf("\"1\"", StringComparison.Ordinal) + 1, i.Column));
    }

    [Fact]
    public void Validate_ChainOfMaxTasksDependencies_DoesNotNeedADeepStack()
    {
        var tasks = Enumerable.Range(0, PlanningLimits.MaxTasks)
            .Select(i => new PlanningTask { Id = $"t{i}", Duration = 1, DependsOn = i == 0 ? [] : [$"t{i - 1}"], Deadline = i == PlanningLimits.MaxTasks - 1 ? 10 : null })
            .ToList();
        var problem = new PlanningProblem { Tasks = tasks };
        IReadOnlyList<ValidationIssue>? issues = null;

        // A 256 KB stack: a recursive walk of 5 000 dependencies would overflow it and end the test process.
        var thread = new Thread(() => issues = ProblemValidator.Validate(problem), 256 * 1024);
        thread.Start();
        thread.Join();

        var issue = Assert.Single(issues!);
        Assert.Equal("deadline-unreachable", issue.Code);
        Assert.Contains($"cannot finish before {PlanningLimits.MaxTasks}", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ManyBackEdgesIntoOneLongCycle_ReportsABoundedNumberOfCycles()
    {
        const int n = 2000;
        var tasks = Enumerable.Range(0, n)
            .Select(i => new PlanningTask { Id = $"t{i}", DependsOn = i < n - 1 ? [$"t{i + 1}"] : [.. Enumerable.Range(0, n - 1).Select(j => $"t{j}")] })
            .ToList();

        var cycles = ProblemValidator.Validate(new PlanningProblem { Tasks = tasks }).Where(i => i.Code == "dependency-cycle").ToList();

        Assert.InRange(cycles.Count, 1, 20);
        Assert.Contains(cycles, c => c.Message.Contains("t0 → ", StringComparison.Ordinal) || c.Message.Contains(" → t0", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SkillNameWithAControlCharacter_IsRefusedNamingTheItem()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "alice", Skills = ["py\u001b[2Jthon"] }],
            Tasks = [new PlanningTask { Id = "t", Duration = 1 }],
        };

        var issue = Assert.Single(ProblemValidator.Validate(problem));

        Assert.Equal(("invalid-id", "agent 'alice'"), (issue.Code, issue.Item));
        Assert.Contains("U+001B", issue.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ProblemBuiltInMemoryOverASkillLimit_IsRefusedBeforeOtherChecks()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "alice", Skills = [.. Enumerable.Range(0, PlanningLimits.MaxSkillsPerItem + 1).Select(i => $"s{i}")] }],
            Tasks = [new PlanningTask { Id = "t", Duration = 1, RequiredSkills = ["missing"] }],
        };

        var issue = Assert.Single(ProblemValidator.Validate(problem));

        Assert.Equal(("limit", "agent 'alice'"), (issue.Code, issue.Item));
    }

    [Fact]
    public void AvailabilityIndex_EarliestEnd_MatchesAScanOfEveryWindow()
    {
        var random = new Random(11);
        for (var round = 0; round < 300; round++)
        {
            // Unsorted and sometimes overlapping or empty windows: the index must give the minimum over all of them.
            var windows = Enumerable.Range(0, random.Next(1, 12)).Select(_ =>
            {
                var start = random.Next(0, 100);
                return new TimeWindow(start, start + random.Next(-2, 30));
            }).ToList();
            var index = AvailabilityIndex.For(new Agent { Id = "a", Availability = windows })!;
            for (var q = 0; q < 20; q++)
            {
                long start = random.Next(0, 120);
                long duration = random.Next(0, 25);
                var expected = windows.Select(w => Math.Max(w.Start, start) + duration <= w.End ? Math.Max(w.Start, start) + duration : long.MaxValue).Min();

                Assert.Equal(expected, index.EarliestEnd(start, duration));
            }
        }
    }
}
