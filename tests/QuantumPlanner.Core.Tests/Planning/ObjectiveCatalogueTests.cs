using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Core.Tests.Planning;

/// <summary>The catalogue, check mode, milestones and re-planning as Core defines them.</summary>
public class ObjectiveCatalogueTests
{
    [Fact]
    public void Catalogue_NamesEveryWeightOnce_InBreakdownOrder()
    {
        var weights = new ObjectiveWeights();
        foreach (var term in ObjectiveCatalogue.Terms)
        {
            Assert.Equal(term.Term, ObjectiveCatalogue.Find(term.Name));
            Assert.Equal(7.5, weights.With(term.Term, 7.5)[term.Term]);
        }

        Assert.Equal(ObjectiveCatalogue.Count, Enum.GetValues<ObjectiveTerm>().Length);
        Assert.Equal(ObjectiveCatalogue.Names.Count, ObjectiveCatalogue.Names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Check_IncrementalTermDiffersFromScorer_ThrowsNamingTermAndBothValues()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "a", CostPerUnit = 2 }],
            Tasks = [new PlanningTask { Id = "t", Duration = 3 }],
            Objective = new ObjectiveWeights { Makespan = 1, Cost = 1 },
        };
        Assignment[] plan = [new("t", "a", 0, 3)];
        var held = default(TermValues);
        held[(int)ObjectiveTerm.Makespan] = 3;
        held[(int)ObjectiveTerm.Cost] = 5;

        var ex = Assert.Throws<ObjectiveCheckException>(() => ObjectiveCheck.Verify("test", problem, plan, held, claimsFeasible: true));

        Assert.Equal(("test", "cost", 5.0, 6.0), (ex.Backend, ex.Term, ex.Incremental, ex.Scorer));
        Assert.Contains("cost = 5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("6", ex.Message, StringComparison.Ordinal);
        held[(int)ObjectiveTerm.Cost] = 6;
        ObjectiveCheck.Verify("test", problem, plan, held, claimsFeasible: true);
    }

    [Fact]
    public void CheckAssignment_RunningTotalDrifts_ThrowsNamingTheRunningTotal()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "a", CostPerUnit = 2 }],
            Tasks = [new PlanningTask { Id = "t", Duration = 3 }],
            Objective = new ObjectiveWeights { Makespan = 0, Cost = 1 },
        };
        var view = PureAssignment.TryCreate(problem);
        Assert.NotNull(view);
        int[] agentOf = [0];

        ObjectiveCheck.VerifyAssignment("test", view, agentOf, 6, claimsFeasible: true);
        var ex = Assert.Throws<ObjectiveCheckException>(() => ObjectiveCheck.VerifyAssignment("test", view, agentOf, 8, claimsFeasible: true));

        Assert.Equal((ObjectiveCheck.RunningTotal, 8.0, 6.0), (ex.Term, ex.Incremental, ex.Scorer));
    }

    [Fact]
    public void PairCoefficients_PureAssignmentPlans_SumToTheScorersObjective()
    {
        var random = new Random(3);
        for (var round = 0; round < 100; round++)
        {
            var agents = Enumerable.Range(0, 3).Select(a => new Agent { Id = $"a{a}", CostPerUnit = random.Next(4), Capacity = 10 }).ToList();
            var tasks = Enumerable.Range(0, 5).Select(t => new PlanningTask
            {
                Id = $"t{t}",
                Duration = 1 + random.Next(3),
                EarliestStart = random.Next(2),
                Optional = random.Next(3) == 0,
                CostByAgent = random.Next(2) == 0 ? new Dictionary<string, double> { [$"a{random.Next(3)}"] = random.Next(9) } : new Dictionary<string, double>(),
                PreferredAgents = random.Next(2) == 0 ? new Dictionary<string, double> { [$"a{random.Next(3)}"] = 2 } : new Dictionary<string, double>(),
            }).ToList();
            var baseline = tasks.Where(_ => random.Next(2) == 0).Select(t => new BaselineAssignment { Task = t.Id, Agent = $"a{random.Next(3)}", Start = random.Next(2) }).ToList();
            var problem = new PlanningProblem
            {
                Agents = agents,
                Tasks = tasks,
                Baseline = new PlanBaseline { Assignments = baseline },
                Objective = new ObjectiveWeights { Makespan = 0, Cost = random.NextDouble(), Preferences = random.Next(3), Unassigned = random.Next(20), Changes = random.Next(5) },
            };
            var coefficients = PairCoefficients.For(problem);
            var plan = new List<Assignment>();
            var expected = 0.0;
            for (var t = 0; t < tasks.Count; t++)
            {
                if (tasks[t].Optional && random.Next(2) == 0)
                {
                    expected += coefficients.Drop(t);
                    continue;
                }

                var a = random.Next(3);
                plan.Add(new Assignment(tasks[t].Id, agents[a].Id, tasks[t].EarliestStart, tasks[t].EarliestStart + tasks[t].DurationOn(agents[a].Id)));
                expected += coefficients.Pair(t, a);
            }

            Assert.Equal(expected, PlanScorer.Score(problem, plan).Score.Objective, 9);
        }
    }

    [Fact]
    public void Score_MilestoneInsideAnotherTask_TakesNoCapacity()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "a", Availability = [new TimeWindow(0, 10)] }],
            Resources = [new Resource { Id = "r", Capacity = 1 }],
            Tasks =
            [
                new PlanningTask { Id = "work", Duration = 4, Resources = new Dictionary<string, int> { ["r"] = 1 } },
                new PlanningTask { Id = "review", Duration = 0, Resources = new Dictionary<string, int> { ["r"] = 1 } },
                new PlanningTask { Id = "release", Duration = 0, DependsOn = ["work"] },
            ],
        };

        Assert.Empty(ProblemValidator.Validate(problem));
        var (score, metrics) = PlanScorer.Score(problem, [new("work", "a", 0, 4), new("review", "a", 2, 2), new("release", "a", 4, 4)]);

        Assert.Empty(score.Violations);
        Assert.Equal(4, metrics.Makespan);
    }

    [Fact]
    public void Validate_ImpossiblePins_NameEachPinnedTask()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "ana", Skills = ["x"], Availability = [new TimeWindow(0, 8)] }, new Agent { Id = "bo" }],
            Tasks =
            [
                new PlanningTask { Id = "gone-agent", Duration = 2 },
                new PlanningTask { Id = "too-early", Duration = 2, EarliestStart = 3 },
                new PlanningTask { Id = "outside", Duration = 2 },
                new PlanningTask { Id = "first", Duration = 3 },
                new PlanningTask { Id = "after", Duration = 1, DependsOn = ["first"] },
                new PlanningTask { Id = "free", Duration = 1 },
            ],
            Baseline = new PlanBaseline
            {
                Assignments =
                [
                    new BaselineAssignment { Task = "gone-agent", Agent = "cy", Start = 0, Pinned = true },
                    new BaselineAssignment { Task = "too-early", Agent = "bo", Start = 1, Pinned = true },
                    new BaselineAssignment { Task = "outside", Agent = "ana", Start = 7, Pinned = true },
                    new BaselineAssignment { Task = "after", Agent = "bo", Start = 1, Pinned = true },
                    new BaselineAssignment { Task = "free", Agent = "cy", Start = 0 },
                    new BaselineAssignment { Task = "removed-task", Agent = "bo", Start = 0 },
                ],
            },
        };

        var issues = ProblemValidator.Validate(problem).Where(i => i.Code == "pin-impossible").ToList();

        Assert.Equal(["baseline task 'after'", "baseline task 'gone-agent'", "baseline task 'outside'", "baseline task 'too-early'"], issues.Select(i => i.Item).Distinct().Order(StringComparer.Ordinal));
        Assert.All(issues, i => Assert.StartsWith("Maybe", i.Suggestion, StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Message.Contains("'cy'", StringComparison.Ordinal));
    }

    [Fact]
    public void ParseProblem_PastedPlanAsBaseline_ReadsItsAssignments()
    {
        const string json = """
            { "agents": [{ "id": "ana" }], "tasks": [{ "id": "t1", "duration": 2 }, { "id": "gate", "duration": 0 }],
              "objective": { "changes": 4 },
              "baseline": { "status": "feasible", "backend": "greedy", "score": { "objective": 2 },
                            "assignments": [{ "task": "t1", "agent": "ana", "start": 0, "end": 2, "pinned": true }] } }
            """;

        var parsed = PlanningJson.ParseProblem(json, "test");

        Assert.True(parsed.IsValid, string.Join("; ", parsed.Issues));
        Assert.Equal(4, parsed.Problem!.Objective.Changes);
        var pin = Assert.Single(parsed.Problem.Baseline!.Assignments);
        Assert.Equal(("t1", "ana", 0, true), (pin.Task, pin.Agent, pin.Start, pin.Pinned));
        Assert.Empty(ProblemValidator.Validate(parsed.Problem));
    }

    [Fact]
    public void ParseProblem_BaselineAssignmentWithTypo_NamesTheKey()
    {
        const string json = """{ "tasks": [{ "id": "t1" }], "baseline": { "assignments": [{ "task": "t1", "start": 0, "pined": true }] } }""";

        var issue = Assert.Single(PlanningJson.ParseProblem(json, "test").Issues);

        Assert.Equal("$.baseline.assignments[0].pined", issue.Item);
        Assert.Contains("pinned", issue.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void Changes_MovedAndDroppedTasks_AreCountedAndExplained()
    {
        var problem = new PlanningProblem
        {
            Agents = [new Agent { Id = "ana" }, new Agent { Id = "bo" }],
            Tasks = [new PlanningTask { Id = "kept" }, new PlanningTask { Id = "moved" }, new PlanningTask { Id = "orphan" }, new PlanningTask { Id = "dropped", Optional = true }],
            Objective = new ObjectiveWeights { Changes = 2 },
            Baseline = new PlanBaseline
            {
                Assignments =
                [
                    new BaselineAssignment { Task = "kept", Agent = "ana", Start = 0 },
                    new BaselineAssignment { Task = "moved", Agent = "ana", Start = 1 },
                    new BaselineAssignment { Task = "orphan", Agent = "cy", Start = 0 },
                    new BaselineAssignment { Task = "dropped", Agent = "bo", Start = 0 },
                ],
            },
        };
        Assignment[] plan = [new("kept", "ana", 0, 1), new("moved", "bo", 1, 2), new("orphan", "bo", 0, 1)];

        var changes = PlanChanges.Between(problem, plan);
        var score = PlanScorer.Score(problem, plan).Score;

        Assert.Equal(["moved", "orphan", "dropped"], changes.Select(c => c.Task));
        Assert.Equal(3, score.Breakdown[(int)ObjectiveTerm.Changes].Value);
        Assert.Contains("no longer in the problem", changes[1].Reason, StringComparison.Ordinal);
        Assert.Null(changes[2].ToAgent);
    }
}
