using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.Greedy;

namespace QuantumPlanner.OrTools.Tests.Conformance;

/// <summary>
/// Check mode on the assignment searches (localsearch's assignment tabu, cpsat-lns, cpsat's Lagrangian branch and
/// bound) names the term that disagrees with the scorer and both values, not just "objective". A test-only hook plants
/// a wrong delta in one term of the pair coefficients the searches price their moves with.
/// </summary>
public sealed class CheckModeTermTests
{
    [Theory]
    [InlineData("localsearch", ObjectiveCatalogue.Cost)]
    [InlineData("localsearch", ObjectiveCatalogue.Preferences)]
    [InlineData("localsearch", ObjectiveCatalogue.Changes)]
    [InlineData("cpsat-lns", ObjectiveCatalogue.Cost)]
    [InlineData("cpsat-lns", ObjectiveCatalogue.Changes)]
    [InlineData("cpsat", ObjectiveCatalogue.Preferences)]
    [InlineData("cpsat", ObjectiveCatalogue.Cost)]
    public void CheckMode_WrongDeltaInOneTerm_NamesThatTermAndBothValues(string backend, string term)
    {
        var problem = PlanningProblems.Assignment(1);
        Assert.NotNull(PureAssignment.TryCreate(problem));
        Assert.NotEqual(0, problem.Objective[ObjectiveCatalogue.Find(term)!.Value]);
        var options = new PlanningOptions
        {
            TimeLimit = TimeSpan.FromSeconds(20),
            MaxIterations = 500,
            Seed = 1,
            Check = true,
            // cpsat takes the Lagrangian branch and bound on a pure assignment problem only from a warm start.
            InitialAssignments = backend == "cpsat" ? new GreedyBackend().Solve(problem, new PlanningOptions(), CancellationToken.None).Assignments : null,
        };

        var error = SolveWithPlantedError(backend, problem, options, ObjectiveCatalogue.Find(term)!.Value);

        Assert.Equal(term, error.Term);
        Assert.StartsWith(backend, error.Backend, StringComparison.Ordinal);
        Assert.NotEqual(error.Scorer, error.Incremental);
        Assert.Contains($"holds {term} = {error.Incremental.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"PlanScorer gives {error.Scorer.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localsearch")]
    [InlineData("cpsat-lns")]
    public void CheckMode_NoPlantedError_PassesOnTheSameProblem(string backend)
    {
        var problem = PlanningProblems.Assignment(1);
        var options = new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(20), MaxIterations = 500, Seed = 1, Check = true };

        var result = PlanningProblems.Create(backend).Solve(problem, options, CancellationToken.None);

        Assert.Empty(PlanScorer.Score(problem, result.Assignments).Score.Violations);
    }

    /// <summary>Every placed task's value of <paramref name="term"/> is off by one and a bit more per agent index, so any plan shows it.</summary>
    private static ObjectiveCheckException SolveWithPlantedError(string backend, PlanningProblem problem, PlanningOptions options, ObjectiveTerm term)
    {
        PairCoefficients.PlantedError.Value = (k, _, agent) => k == term ? 1 + (0.5 * agent) : 0;
        try
        {
            return Assert.Throws<ObjectiveCheckException>(() => PlanningProblems.Create(backend).Solve(problem, options, CancellationToken.None));
        }
        finally
        {
            PairCoefficients.PlantedError.Value = null;
        }
    }
}
