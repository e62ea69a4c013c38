using System.Text.Json;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Core.Tests.Planning;

public class IntakeTests
{
    private const string Body = """
        {
          "backend": "auto",
          "problem": {
            "agents": [{ "id": "alice", "skills": ["x"] }],
            "tasks": [
              { "id": "a", "requiredSkills": ["x"], "duration": 2 },
              { "id": "b", "dependson": ["a"] }
            ]
          }
        }
        """;

    [Fact]
    public void ReadProblem_ElementOfALargerDocument_ReportsIssuesLikeParsingItsOwnText()
    {
        using var document = JsonDocument.Parse(Body);
        var element = document.RootElement.GetProperty("problem");

        var read = PlanningJson.ReadProblem(element, "problem");
        var parsed = PlanningJson.ParseProblem(element.GetRawText(), "problem");

        var issue = Assert.Single(read.Issues);
        Assert.Equal("unknown-property", issue.Code);
        Assert.Equal((issue.Code, issue.Item, issue.Message, issue.Line, issue.Column), (parsed.Issues[0].Code, parsed.Issues[0].Item, parsed.Issues[0].Message, parsed.Issues[0].Line, parsed.Issues[0].Column));
        Assert.Equal(5, issue.Line); // counted from the element's own text, as the service always reported them
    }

    [Fact]
    public void ReadProblem_ValidElement_ReadsTheSameProblemAsParsing()
    {
        using var document = JsonDocument.Parse(Body.Replace("dependson", "dependsOn", StringComparison.Ordinal));
        var element = document.RootElement.GetProperty("problem");

        var read = PlanningJson.ReadProblem(element, "problem");

        Assert.Empty(read.Issues);
        Assert.Equal(PlanningJson.Serialize(PlanningJson.ParseProblem(element.GetRawText(), "problem").Problem!), PlanningJson.Serialize(read.Problem!));
    }

    [Fact]
    public void TryCreate_InvalidProblem_ReturnsNullAndEveryIssue()
    {
        var problem = new PlanningProblem { Tasks = [new PlanningTask { Id = "a", DependsOn = ["nowhere"] }, new PlanningTask { Id = "a" }] };

        var (valid, issues) = ValidatedProblem.TryCreate(problem);

        Assert.Null(valid);
        Assert.Equal(issues.Count, ProblemValidator.Validate(problem).Count);
        Assert.True(issues.Count >= 2);
        Assert.Throws<InvalidProblemException>(() => ValidatedProblem.Create(problem));
    }

    [Fact]
    public void TryCreate_ValidProblem_HoldsTheSameInstance()
    {
        var problem = new PlanningProblem { Tasks = [new PlanningTask { Id = "a" }] };

        var (valid, issues) = ValidatedProblem.TryCreate(problem);

        Assert.Empty(issues);
        Assert.Same(problem, valid!.Problem);
    }
}
