using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.Anneal;

namespace QuantumPlanner.Remote.Tests;

/// <summary>The planning path on the test server's QPU: a compiled model larger than a subproblem is decomposed, each part embedded.</summary>
public sealed class PlanningOnQpuTests(SapiServerFixture fixture) : IClassFixture<SapiServerFixture>
{
    /// <summary>20 tasks on 4 agents with maxWorkload: about 100 BQM variables, twice what one subproblem holds.</summary>
    private static PlanningProblem Assignment() => new()
    {
        Name = "assign-20x4",
        Agents = [.. Enumerable.Range(0, 4).Select(a => new Agent { Id = $"a{a}", Capacity = 20, MaxWorkload = 12 })],
        Tasks = [.. Enumerable.Range(0, 20).Select(t => new PlanningTask
        {
            Id = $"t{t}",
            Duration = 1 + (t % 3),
            CostByAgent = Enumerable.Range(0, 4).ToDictionary(a => $"a{a}", a => (double)(((t * 7) + (a * 5)) % 11)),
        })],
        Objective = new ObjectiveWeights { Makespan = 0, Cost = 1 },
    };

    [Fact]
    public void Anneal_QpuSamplerOnAModelLargerThanASubproblem_DecomposesEmbedsAndReturnsAFeasiblePlan()
    {
        var problem = Assignment();
        var before = fixture.Server.ProblemCount;
        var options = new PlanningOptions
        {
            TimeLimit = TimeSpan.FromSeconds(3),
            Seed = 1,
            Sampler = $"qpu:{fixture.Server.Options.QpuName}",
            CreateSampler = name => RemoteSamplers.Create(name, fixture.Configuration, decompose: true),
        };

        var result = new AnnealBackend().Solve(problem, options, CancellationToken.None);

        Assert.Equal("feasible", result.Status);
        var view = PureAssignment.TryCreate(problem)!;
        Assert.Equal(0, view.Evaluate(view.FromAssignments(result.Assignments)).Overload);
        Assert.Equal($"decompose:qpu:{fixture.Server.Options.QpuName}", result.Strategy);
        Assert.True(result.Qubo!.Variables > 50, $"{result.Qubo.Variables} variables: not larger than one subproblem");
        Assert.Null(result.Qubo.Fallback);
        // Several subproblems per round went to the QPU.
        Assert.True(fixture.Server.ProblemCount - before >= 2, $"{fixture.Server.ProblemCount - before} QPU problems");
    }
}
