using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Core.Qubo.Compilation;
using QuantumPlanner.Solvers.Planning.Anneal;
using QuantumPlanner.Solvers.Planning.Exact;
using QuantumPlanner.Solvers.Planning.Generation;
using QuantumPlanner.Solvers.Sampling.Tabu;

namespace QuantumPlanner.Solvers.Tests.Planning;

public sealed class AnnealBackendTests
{
    [Fact]
    public void Solve_Gap1_1WithTabuSampler_FeasibleAndNearTheOptimum()
    {
        var problem = GapImporter.Read(Path.Combine(AppContext.BaseDirectory, "Data", "gap1-1.txt"));
        var view = PureAssignment.TryCreate(problem)!;

        var result = new AnnealBackend().Solve(problem, new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(2), Seed = 1, Sampler = "tabu" }, CancellationToken.None);

        Assert.Equal("feasible", result.Status);
        var (cost, overload) = view.Evaluate(view.FromAssignments(result.Assignments));
        Assert.Equal(0, overload);
        // The optimum is 261 (OR-Library); a loose bound, since the time limit makes the figure machine-dependent.
        Assert.InRange(cost, 261, 261 * 1.10);
        Assert.Equal("tabu", result.Strategy);
        var qubo = Assert.IsType<QuboInfo>(result.Qubo);
        Assert.Equal(AssignmentQuboCompiler.Compile(view).Model.VariableCount, qubo.Variables);
        Assert.True(qubo.Interactions > qubo.Variables);
        Assert.Equal(AssignmentQuboCompiler.ProvablePenalty(view), qubo.Penalties["provable"]);
        Assert.InRange(qubo.Penalties["oneHot"], AssignmentQuboCompiler.ScalePenalty(view), qubo.Penalties["provable"]);
        Assert.True(qubo.Rounds >= 1);
        Assert.Equal("binary", qubo.Slack);
        Assert.NotNull(qubo.Energy);
        Assert.Null(qubo.Fallback);
    }

    [Fact]
    public void Solve_SamplerThatFellBack_ReportsTheFallbackAndAsksTheLocalSamplerForLaterRounds()
    {
        var problem = GapImporter.Read(Path.Combine(AppContext.BaseDirectory, "Data", "gap1-1.txt"));
        var asked = new List<string>();
        ISampler Create(string name)
        {
            asked.Add(name);
            return name == "qpu:down" ? new FellBackSampler() : new TabuSampler();
        }

        var result = new AnnealBackend().Solve(problem, new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(1), Seed = 1, Sampler = "qpu:down", CreateSampler = Create }, CancellationToken.None);

        Assert.Equal("feasible", result.Status);
        Assert.Equal(("qpu:down", "tabu", "unreachable"), (result.Qubo!.Fallback!.From, result.Qubo.Fallback.To, result.Qubo.Fallback.Reason));
        Assert.Equal("qpu:down", result.Qubo.Sampler);
        Assert.Equal(["qpu:down", "tabu"], asked);
        Assert.Equal("tabu", result.Strategy);
    }

    [Theory]
    [InlineData(1UL, false)]
    [InlineData(2UL, true)]
    [InlineData(3UL, false)]
    public void Solve_ProblemWhereTimingMatters_CompilesTheSurrogateAndSchedulesWithoutViolations(ulong seed, bool windows)
    {
        // Dependencies, a shared resource, shifts on even seeds, and every objective term weighted.
        var generated = ProblemGenerator.Generate(new GeneratorOptions { Agents = 4, Tasks = 14, Dependencies = 0.4, Resources = 1, TimeWindows = windows, Seed = seed });
        var problem = generated with { Objective = new ObjectiveWeights { Makespan = 1, Cost = 0.1, Tardiness = 1, LoadBalance = 1, Priority = 0.1, Preferences = 1, Unassigned = 50 } };
        Assert.Null(PureAssignment.TryCreate(problem));
        var backend = new AnnealBackend();
        Assert.True(backend.Accepts(problem));

        var result = backend.Solve(problem, new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(2), Seed = seed, Sampler = "tabu", Check = true }, CancellationToken.None);

        var score = PlanScorer.Score(problem, result.Assignments).Score;
        Assert.True(score.HardViolations == 0, string.Join("; ", score.Violations.Select(v => v.Message)));
        Assert.Equal("feasible", result.Status);
        var qubo = Assert.IsType<QuboInfo>(result.Qubo);
        Assert.Equal("surrogate", qubo.Model);
        Assert.NotNull(qubo.ScheduleMs);
        Assert.Equal(AssignmentQuboCompiler.Compile(AssignmentSurrogate.Create(problem)!).Model.VariableCount, qubo.Variables);
        Assert.True(qubo.Rounds >= 1);
    }

    [Fact]
    public void Solve_PureAssignment_ReportsTheExactModel()
    {
        var problem = GapImporter.Read(Path.Combine(AppContext.BaseDirectory, "Data", "gap1-1.txt"));

        var result = new AnnealBackend().Solve(problem, new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(0.5), Seed = 1, Sampler = "tabu" }, CancellationToken.None);

        Assert.Equal("exact", result.Qubo!.Model);
        Assert.Null(result.Qubo.ScheduleMs);
    }

    [Fact]
    public void Solve_PsplibJ301_1_CompilesTheActivityListAndSchedulesWithoutViolations()
    {
        var problem = RcpspImporter.Read(Path.Combine(AppContext.BaseDirectory, "Data", "j301_1.sm"));
        var backend = new AnnealBackend();
        Assert.True(backend.Accepts(problem));
        var terms = ActivityListSurrogate.Create(problem)!;

        var result = backend.Solve(problem, new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(1), Seed = 1, Sampler = "tabu", Check = true }, CancellationToken.None);

        var score = PlanScorer.Score(problem, result.Assignments).Score;
        Assert.True(score.HardViolations == 0, string.Join("; ", score.Violations.Select(v => v.Message)));
        Assert.Equal(problem.Tasks.Count, result.Assignments.Count);
        // The optimum makespan is 43 (PSPLIB); loose, since the time limit makes the figure machine-dependent.
        Assert.InRange(score.Objective, 43, 43 * 1.15);
        var qubo = Assert.IsType<QuboInfo>(result.Qubo);
        Assert.Equal(AnnealBackend.ActivityListModel, qubo.Model);
        Assert.Equal(ActivityListQuboCompiler.Compile(terms).Model.VariableCount, qubo.Variables);
        Assert.Equal(ActivityListQuboCompiler.ProvablePenalty(terms), qubo.Penalties["provable"]);
        Assert.InRange(qubo.Penalties["precedence"], ActivityListQuboCompiler.ScalePenalty(terms), qubo.Penalties["provable"]);
        Assert.True(qubo.Rounds >= 1);
        Assert.NotNull(qubo.ScheduleMs);
        Assert.Null(qubo.Slack);
    }

    [Fact]
    public void Solve_SameSeedOnAModelAboveTwentyVariables_ReturnsTheSamePlanWhenTheLimitDoesNotBind()
    {
        // 104 variables: each round is a fixed number of tabu moves, and the rounds end by stagnation long before 60 s.
        var problem = GapImporter.Read(Path.Combine(AppContext.BaseDirectory, "Data", "gap1-1.txt"));
        var options = new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(60), Seed = 5, Sampler = "tabu" };

        var first = new AnnealBackend().Solve(problem, options, CancellationToken.None);
        var second = new AnnealBackend().Solve(problem, options, CancellationToken.None);

        Assert.True(first.Qubo!.Variables > 20);
        Assert.True(first.Qubo.SampleMs < 30_000, $"the rounds took {first.Qubo.SampleMs} ms, so the limit may have bound them");
        Assert.Equal(first.Qubo.Rounds, second.Qubo!.Rounds);
        Assert.Equal(first.Qubo.Energy, second.Qubo.Energy);
        Assert.Equal(first.Assignments.OrderBy(a => a.Task, StringComparer.Ordinal), second.Assignments.OrderBy(a => a.Task, StringComparer.Ordinal));
    }

    [Fact]
    public void Solve_UnknownSampler_ThrowsNamingIt()
    {
        var problem = GapImporter.Read(Path.Combine(AppContext.BaseDirectory, "Data", "gap1-1.txt"));

        var error = Assert.Throws<ArgumentException>(() => new AnnealBackend().Solve(problem, new PlanningOptions { Sampler = "annealer9000" }, CancellationToken.None));

        Assert.Contains("annealer9000", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Answers like a remote sampler behind its fallback after an outage: tabu's samples, info saying so.</summary>
    private sealed class FellBackSampler : ISampler
    {
        public string Name => "qpu:down";

        public SampleSet Sample(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken = default)
        {
            var set = new TabuSampler().Sample(model, options, cancellationToken);
            var info = new Dictionary<string, object>(set.Info)
            {
                ["fallback"] = new Dictionary<string, object> { ["from"] = Name, ["to"] = "tabu", ["reason"] = "unreachable" },
            };
            return new SampleSet(set.Vartype, set.Records, set.Timing, info);
        }
    }

    [Fact]
    public void Solve_TinyJobShop_ReachesExactsOptimumWithoutViolations()
    {
        var problem = JobShopImporter.Parse(new StringReader("2 2\n0 3 1 2\n1 2 0 4\n"), "tiny.jsp", "tiny");
        var optimum = PlanScorer.Score(problem, new ExactBackend().Solve(problem, new PlanningOptions(), CancellationToken.None).Assignments).Score.Objective;

        var result = new AnnealBackend().Solve(problem, new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(1), MaxIterations = 2_000 }, CancellationToken.None);

        var score = PlanScorer.Score(problem, result.Assignments).Score;
        Assert.Equal(0, score.HardViolations);
        Assert.Equal(optimum, score.Objective, 6);
        Assert.Equal("surrogate", result.Qubo!.Model);
    }
}
