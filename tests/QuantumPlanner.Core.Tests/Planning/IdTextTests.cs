using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Core.Tests.Planning;

/// <summary>Ids are printable and bounded in length; oversized problems are refused before any per-item check.</summary>
public class IdTextTests
{
    [Theory]
    [InlineData("a\u0000b", "U+0000")]
    [InlineData("\u001b[2Jrepaint", "U+001B")]
    [InlineData("evil\u202Etxt", "U+202E")]
    [InlineData("line\u2028break", "U+2028")]
    public void Validate_TaskIdWithAControlOrFormatCharacter_IsRefusedNamingItEscaped(string id, string named)
    {
        var problem = Problem(id);

        var issue = Assert.Single(ProblemValidator.Validate(problem), i => i.Code == "invalid-id");

        Assert.Contains(named, issue.Message, StringComparison.Ordinal);
        Assert.Contains("task #1", issue.Item, StringComparison.Ordinal);
        Assert.DoesNotContain(id, issue.Item, StringComparison.Ordinal);
        Assert.All(issue.Item + issue.Message, c => Assert.False(char.IsControl(c)));
        Assert.StartsWith("Maybe", issue.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IdLongerThanTheLimit_IsRefusedWithTheLimitAndACutName()
    {
        var issue = Assert.Single(ProblemValidator.Validate(Problem(new string('x', 1_000_000))), i => i.Code == "invalid-id");

        Assert.Contains($"at most {PlanningLimits.MaxIdLength}", issue.Message, StringComparison.Ordinal);
        Assert.True(issue.Item.Length < 100, issue.Item);
    }

    [Fact]
    public void Validate_IdOfPrintableUnicodeAtTheLimit_IsAccepted()
    {
        const string Head = "Ünïcødé-任务-";
        var id = Head + new string('x', PlanningLimits.MaxIdLength - Head.Length);

        Assert.Equal(PlanningLimits.MaxIdLength, id.Length);
        Assert.DoesNotContain(ProblemValidator.Validate(Problem(id)), i => i.Code == "invalid-id");
    }

    [Fact]
    public void Validate_MoreTasksThanTheLimit_AnswersTheLimitAloneWithoutPerItemChecks()
    {
        var tasks = Enumerable.Range(0, PlanningLimits.MaxTasks + 1)
            .Select(i => new PlanningTask { Id = "same", Duration = -1, DependsOn = ["missing"] })
            .ToList();

        var issues = ProblemValidator.Validate(new PlanningProblem { Agents = [new Agent { Id = "a" }], Tasks = tasks });

        var issue = Assert.Single(issues);
        Assert.Equal("limit", issue.Code);
    }

    private static PlanningProblem Problem(string taskId) => new()
    {
        Agents = [new Agent { Id = "alice", Skills = ["x"] }],
        Tasks = [new PlanningTask { Id = taskId, RequiredSkills = ["x"], Duration = 1 }],
    };
}
