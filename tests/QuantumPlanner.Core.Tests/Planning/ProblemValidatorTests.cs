using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Core.Tests.Planning;

public class ProblemValidatorTests
{
    private static PlanningProblem Valid() => new()
    {
        Agents =
        [
            new Agent { Id = "alice", Skills = ["ml", "python"] },
            new Agent { Id = "bob", Skills = ["python"] },
        ],
        Resources = [new Resource { Id = "gpu", Capacity = 2 }],
        Tasks =
        [
            new PlanningTask { Id = "prep", RequiredSkills = ["python"], Duration = 2 },
            new PlanningTask { Id = "train", RequiredSkills = ["ml"], Duration = 4, DependsOn = ["prep"], Deadline = 10, Resources = new Dictionary<string, int> { ["gpu"] = 1 } },
        ],
    };

    private static ValidationIssue Only(PlanningProblem problem, string code)
    {
        var issues = ProblemValidator.Validate(problem);
        var issue = Assert.Single(issues, i => i.Code == code);
        Assert.False(string.IsNullOrWhiteSpace(issue.Item));
        Assert.StartsWith("Maybe", issue.Suggestion, StringComparison.Ordinal);
        return issue;
    }

    [Fact]
    public void Validate_ValidProblem_ReportsNothing()
    {
        Assert.Empty(ProblemValidator.Validate(Valid()));
    }

    [Fact]
    public void Validate_DuplicateTaskId_NamesTheId()
    {
        var p = Valid();
        p = p with { Tasks = [.. p.Tasks, new PlanningTask { Id = "prep", RequiredSkills = ["python"] }] };

        Assert.Equal("task 'prep'", Only(p, "duplicate-id").Item);
    }

    [Fact]
    public void Validate_UnknownSkill_SuggestsNearestSkill()
    {
        var p = Valid();
        p = p with { Tasks = [p.Tasks[0] with { RequiredSkills = ["pyhton"] }, p.Tasks[1]] };

        var issue = Only(p, "unknown-skill");
        Assert.Equal("task 'prep'", issue.Item);
        Assert.Contains("'python'", issue.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoAgentHasAllSkills_SaysWhichSkillsAreMissing()
    {
        var p = Valid();
        p = p with { Agents = [new Agent { Id = "alice", Skills = ["ml"] }, new Agent { Id = "bob", Skills = ["python"] }], Tasks = [p.Tasks[0] with { RequiredSkills = ["ml", "python"] }] };

        var issue = Only(p, "no-capable-agent");
        Assert.Contains("lacks [", issue.Message, StringComparison.Ordinal);
        Assert.Contains("alice", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownAgentResourceAndDependency_ReportsEach()
    {
        var p = Valid();
        p = p with
        {
            Tasks =
            [
                p.Tasks[0] with { DurationByAgent = new Dictionary<string, int> { ["alicia"] = 3 } },
                p.Tasks[1] with { DependsOn = ["prepp"], Resources = new Dictionary<string, int> { ["tpu"] = 1 } },
            ],
        };

        var issues = ProblemValidator.Validate(p);

        Assert.Contains(issues, i => i.Code == "unknown-agent" && i.Item == "task 'prep'" && i.Suggestion.Contains("'alice'", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Code == "unknown-dependency" && i.Item == "task 'train'" && i.Suggestion.Contains("'prep'", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Code == "unknown-resource" && i.Message.Contains("'tpu'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DependencyCycle_ListsTheCycle()
    {
        var p = Valid();
        p = p with
        {
            Tasks =
            [
                p.Tasks[0] with { DependsOn = ["c"] },
                p.Tasks[1],
                new PlanningTask { Id = "c", RequiredSkills = ["python"], DependsOn = ["train"] },
            ],
        };

        var issue = Only(p, "dependency-cycle");

        foreach (var id in new[] { "prep", "train", "c" })
        {
            Assert.Contains(id, issue.Message, StringComparison.Ordinal);
        }

        Assert.Contains("→", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DeadlineUnreachableAlone_GivesEarliestFinish()
    {
        var p = Valid();
        p = p with { Tasks = [p.Tasks[0], p.Tasks[1] with { Deadline = 5 }] };

        var issue = Only(p, "deadline-unreachable");

        Assert.Equal("task 'train'", issue.Item);
        Assert.Contains("6", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ResourceDemandAboveCapacity_NamesBoth()
    {
        var p = Valid();
        p = p with { Tasks = [p.Tasks[0], p.Tasks[1] with { Resources = new Dictionary<string, int> { ["gpu"] = 3 } }] };

        var issue = Only(p, "resource-demand");

        Assert.Contains("gpu", issue.Message, StringComparison.Ordinal);
        Assert.Contains("3", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadNumbers_ReportsEveryOne()
    {
        var p = Valid();
        p = p with
        {
            Agents = [p.Agents[0] with { Capacity = 0, CostPerUnit = double.NaN }, p.Agents[1] with { MaxWorkload = -1 }],
            Tasks = [p.Tasks[0] with { Duration = -1, Priority = double.PositiveInfinity }, p.Tasks[1] with { EarliestStart = -3 }],
            Objective = new ObjectiveWeights { Cost = -1 },
        };

        var issues = ProblemValidator.Validate(p).Where(i => i.Code == "number-range").ToList();

        Assert.Contains(issues, i => i.Item == "agent 'alice'" && i.Message.Contains("capacity", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Item == "agent 'alice'" && i.Message.Contains("NaN", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Item == "agent 'bob'" && i.Message.Contains("maxWorkload", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Item == "task 'prep'" && i.Message.Contains("duration is -1", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Item == "task 'prep'" && i.Message.Contains("priority", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Item == "task 'train'" && i.Message.Contains("earliestStart", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Item == "objective.cost");
    }

    [Fact]
    public void Validate_TooManyTasks_ReportsTheLimit()
    {
        var tasks = Enumerable.Range(0, PlanningLimits.MaxTasks + 1).Select(i => new PlanningTask { Id = $"t{i}" }).ToList();
        var p = new PlanningProblem { Tasks = tasks };

        var issue = Only(p, "limit");

        Assert.Contains(PlanningLimits.MaxTasks.ToString(System.Globalization.CultureInfo.InvariantCulture), issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ManyProblems_ReportsAllAtOnce()
    {
        var p = Valid();
        p = p with
        {
            Resources = [new Resource { Id = "gpu", Capacity = 1 }, new Resource { Id = "gpu", Capacity = 1 }],
            Tasks =
            [
                p.Tasks[0] with { RequiredSkills = ["rust"], Duration = -2 },
                p.Tasks[1] with { DependsOn = ["nope"], Resources = new Dictionary<string, int> { ["gpu"] = 2 } },
            ],
        };

        var codes = ProblemValidator.Validate(p).Select(i => i.Code).ToHashSet();

        Assert.Superset(new HashSet<string> { "duplicate-id", "unknown-skill", "number-range", "unknown-dependency", "resource-demand" }, codes);
    }

    [Fact]
    public void Validate_NoAgentsWithSkills_ExplainsResourceOnlyScheduling()
    {
        var p = new PlanningProblem { Tasks = [new PlanningTask { Id = "t", RequiredSkills = ["ml"] }] };

        var issue = Only(p, "unknown-skill");

        Assert.Contains("no agents", issue.Message, StringComparison.Ordinal);
    }
}
