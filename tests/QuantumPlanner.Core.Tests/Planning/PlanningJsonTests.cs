using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Core.Tests.Planning;

public class PlanningJsonTests
{
    [Fact]
    public void ParseProblem_SyntaxError_ReportsLineAndColumn()
    {
        var json = "{\n  \"tasks\": [\n    { \"id\": \"a\" \"duration\": 2 }\n  ]\n}";

        var result = PlanningJson.ParseProblem(json, "broken.json");

        var issue = Assert.Single(result.Issues);
        Assert.Null(result.Problem);
        Assert.Equal("json-syntax", issue.Code);
        Assert.Equal(3, issue.Line);
        Assert.Equal(17, issue.Column);
        Assert.Contains("line 3", issue.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(issue.Suggestion));
    }

    [Fact]
    public void ParseProblem_SeveralShapeErrors_ReportsAllWithPositions()
    {
        var json = """
            {
              "agents": [{ "id": "alice", "capacity": "two" }],
              "tasks": [
                { "id": "a", "duration": 2.5 },
                { "id": "b", "dependson": ["a"] }
              ]
            }
            """;

        var result = PlanningJson.ParseProblem(json, "p.json");

        Assert.NotNull(result.Problem);
        var capacity = Assert.Single(result.Issues, i => i.Item == "$.agents[0].capacity");
        Assert.Equal(("json-type", 2), (capacity.Code, capacity.Line!.Value));
        var duration = Assert.Single(result.Issues, i => i.Item == "$.tasks[0].duration");
        Assert.Equal(4, duration.Line);
        Assert.Contains("whole number", duration.Message, StringComparison.Ordinal);
        var unknown = Assert.Single(result.Issues, i => i.Code == "unknown-property");
        Assert.Equal("$.tasks[1].dependson", unknown.Item);
        Assert.Equal((5, 18), (unknown.Line!.Value, unknown.Column!.Value));
        Assert.Contains("dependsOn", unknown.Suggestion, StringComparison.Ordinal);
        Assert.Equal(3, result.Issues.Count);
    }

    [Fact]
    public void ParseProblem_NotAnObject_ReportsShape()
    {
        var result = PlanningJson.ParseProblem("[1, 2]", "list.json");

        Assert.Equal("json-shape", Assert.Single(result.Issues).Code);
        Assert.Null(result.Problem);
    }

    [Fact]
    public void ParseProblem_FullDesignExample_ReadsEveryField()
    {
        var json = """
            { "name": "sprint-42", "horizon": 80,
              "agents":    [{ "id": "alice", "skills": ["ml","python"], "capacity": 1, "costPerUnit": 50,
                              "availability": [{ "start": 0, "end": 40 }], "maxWorkload": 40 },
                            { "id": "bob", "skills": ["ml"] }],
              "resources": [{ "id": "gpu", "capacity": 2 }],
              "tasks":     [{ "id": "prepare", "duration": 2 },
                            { "id": "train", "requiredSkills": ["ml"], "duration": 8, "durationByAgent": { "bob": 12 },
                              "costByAgent": { "bob": 30 }, "priority": 5, "earliestStart": 0, "deadline": 24,
                              "dependsOn": ["prepare"], "resources": { "gpu": 1 }, "optional": false,
                              "preferredAgents": { "alice": 2 } }],
              "objective": { "makespan": 1, "cost": 0, "tardiness": 10, "loadBalance": 0, "priority": 0, "preferences": 0, "unassigned": 1000 } }
            """;

        var result = PlanningJson.ParseProblem(json, "design.json");

        Assert.True(result.IsValid, string.Join("; ", result.Issues));
        var problem = result.Problem!;
        var alice = problem.Agents[0];
        Assert.Equal((40, 50.0, 0, 40), (alice.MaxWorkload!.Value, alice.CostPerUnit, alice.Availability[0].Start, alice.Availability[0].End));
        var train = problem.Tasks[1];
        Assert.Equal(12, train.DurationByAgent["bob"]);
        Assert.Equal(30, train.CostByAgent["bob"]);
        Assert.Equal(24, train.Deadline);
        Assert.Equal(["prepare"], train.DependsOn);
        Assert.Equal(1, train.Resources["gpu"]);
        Assert.Equal(2, train.PreferredAgents["alice"]);
        Assert.Equal(10, problem.Objective.Tardiness);
        Assert.Equal(80, problem.Horizon);
    }

    [Fact]
    public void Serialize_Problem_RoundTripsThroughParse()
    {
        var problem = new PlanningProblem
        {
            Name = "round",
            Agents = [new Agent { Id = "a", Skills = ["x"], Availability = [new TimeWindow(0, 10)], MaxWorkload = 9 }],
            Resources = [new Resource { Id = "r", Capacity = 2 }],
            Tasks =
            [
                new PlanningTask { Id = "t1", RequiredSkills = ["x"], Duration = 3, Deadline = 9, Resources = new Dictionary<string, int> { ["r"] = 1 } },
                new PlanningTask { Id = "t2", DependsOn = ["t1"], Optional = true, PreferredAgents = new Dictionary<string, double> { ["a"] = 1.5 } },
            ],
        };

        var json = PlanningJson.Serialize(problem);
        var parsed = PlanningJson.ParseProblem(json, "round.json");

        Assert.True(parsed.IsValid, string.Join("; ", parsed.Issues));
        Assert.Equal(json, PlanningJson.Serialize(parsed.Problem!));
        Assert.Contains("\"requiredSkills\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_Plan_UsesDesignFieldNames()
    {
        var plan = new Plan
        {
            Status = "feasible",
            Backend = "greedy",
            BackendsTried = [new BackendAttempt("greedy", 12, 3, "feasible")],
            Assignments = [new Assignment("t1", "a", 0, 3)],
            Score = new Score { Objective = 12, Breakdown = [new ScoreTerm("makespan", 1, 3)], Violations = [new Violation("deadline", "t1", null, 2, "late")] },
            Metrics = new PlanMetrics { Makespan = 3, Workload = new Dictionary<string, int> { ["a"] = 3 } },
            Timing = new PlanTiming(1, 2, 3),
        };

        var json = PlanningJson.Serialize(plan);

        foreach (var key in new[] { "\"status\"", "\"backendsTried\"", "\"hardViolations\": 1", "\"breakdown\"", "\"violations\"", "\"compileMs\"", "\"workload\"", "\"assignments\"" })
        {
            Assert.Contains(key, json, StringComparison.Ordinal);
        }

        var back = PlanningJson.DeserializePlan(json);
        Assert.Equal(plan.Assignments, back.Assignments);
        Assert.Equal(12, back.Score.Objective);
        Assert.Equal("deadline", back.Score.Violations[0].Constraint);
    }
}
