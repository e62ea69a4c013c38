using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.GeneralizedAssignment;
using QuantumPlanner.Solvers.Planning.LocalSearch;
using static QuantumPlanner.Solvers.Tests.Planning.AssignmentTabuSearchTests;

namespace QuantumPlanner.Solvers.Tests.Planning;

/// <summary>The Lagrangian bound, its variable fixing and the branch and bound, against full enumeration.</summary>
public class AssignmentBranchAndBoundTests
{
    private static IEnumerable<(int Seed, PlanningProblem Problem, PureAssignment View, double Optimum, int[] OptimalPlan)> SmallInstances()
    {
        for (var seed = 100; seed < 130; seed++)
        {
            var problem = RandomGap(seed, agents: 3, jobs: 7, tightness: seed % 2 == 0 ? 1.05 : 1.3, optionalTasks: seed % 3 == 0);
            if (OptimumByEnumeration(problem) is { } optimum)
            {
                yield return (seed, problem, PureAssignment.TryCreate(problem)!, optimum.Objective, optimum.AgentOf);
            }
        }
    }

    [Fact]
    public void Lagrangian_Bound_NeverExceedsTheOptimum()
    {
        var compared = 0;
        foreach (var (seed, _, view, optimum, _) in SmallInstances())
        {
            var lagrangian = AssignmentLagrangian.TryCreate(view)!;
            lagrangian.Improve(optimum + 10, TimeSpan.FromSeconds(10), CancellationToken.None);

            Assert.True(lagrangian.Bound <= optimum + 1e-6, $"seed {seed}: bound {lagrangian.Bound} above optimum {optimum}");
            Assert.True(lagrangian.Iterations > 0);
            compared++;
        }

        Assert.True(compared >= 20, $"only {compared} random instances were feasible");
    }

    [Fact]
    public void Lagrangian_Bound_IsAtLeastTheCheapestAgentPerTask()
    {
        var problem = RandomGap(7, agents: 5, jobs: 30, tightness: 1.05);
        var view = PureAssignment.TryCreate(problem)!;
        var cheapest = Enumerable.Range(0, view.TaskCount).Sum(t => view.Options[t].Min(a => view.PairCost[(t * view.AgentCount) + a]));

        var lagrangian = AssignmentLagrangian.TryCreate(view)!;
        lagrangian.Improve(cheapest * 2, TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.True(lagrangian.Bound >= cheapest - 1e-6, $"bound {lagrangian.Bound}, cheapest agents {cheapest}");
    }

    /// <summary>Fixing may only remove pairs that no plan better than the incumbent uses.</summary>
    [Fact]
    public void Reduce_IncumbentAboveTheOptimum_KeepsEveryPairOfTheOptimalPlan()
    {
        foreach (var (seed, _, view, optimum, plan) in SmallInstances())
        {
            var lagrangian = AssignmentLagrangian.TryCreate(view)!;
            lagrangian.Improve(optimum + 1, TimeSpan.FromSeconds(10), CancellationToken.None);
            foreach (var incumbent in new[] { optimum + 1, optimum + 3, optimum + 20 })
            {
                var reduction = lagrangian.Reduce(incumbent, step: 1);
                int n = view.TaskCount, m = view.AgentCount;

                Assert.False(reduction.IncumbentOptimal(view), $"seed {seed}: claimed no plan beats {incumbent}, but {optimum} does");
                for (var t = 0; t < n; t++)
                {
                    var slot = plan[t] == PureAssignment.Dropped ? (n * m) + t : (t * m) + plan[t];
                    Assert.True(reduction.Allowed[slot], $"seed {seed}, incumbent {incumbent}: task {t} on {plan[t]} (optimal) was ruled out");
                    Assert.True(
                        reduction.Forced[t] == AssignmentLagrangian.Free || reduction.Forced[t] == plan[t],
                        $"seed {seed}: task {t} forced to {reduction.Forced[t]}, optimal plan uses {plan[t]}");
                }
            }
        }
    }

    [Fact]
    public void Reduce_TightIncumbent_RemovesMostPairs()
    {
        var view = PureAssignment.TryCreate(RandomGap(8, agents: 6, jobs: 60, tightness: 1.1))!;
        var lagrangian = AssignmentLagrangian.TryCreate(view)!;
        lagrangian.Improve(double.MaxValue / 4, TimeSpan.FromSeconds(10), CancellationToken.None);

        var reduction = lagrangian.Reduce(Math.Ceiling(lagrangian.Bound) + 2, step: 1);

        Assert.Equal(view.TaskCount * view.AgentCount, reduction.Total);
        Assert.True(reduction.Kept < reduction.Total / 2, $"kept {reduction.Kept} of {reduction.Total} pairs");
    }

    [Fact]
    public void BranchAndBound_SmallGap_ProvesTheEnumeratedOptimum()
    {
        var compared = 0;
        foreach (var (seed, problem, view, optimum, _) in SmallInstances())
        {
            if (FeasibleStart(problem, view, seed) is not { } start)
            {
                continue;
            }

            var lagrangian = AssignmentLagrangian.TryCreate(view)!;
            lagrangian.Improve(view.Evaluate(start).Cost, TimeSpan.FromSeconds(10), CancellationToken.None);
            var search = new AssignmentBranchAndBound(view, start, step: 1, stop: () => false);
            search.Run(lagrangian);

            Assert.True(search.Exhausted, $"seed {seed}");
            Assert.Equal(optimum, search.Upper, 9);
            var (cost, overload) = view.Evaluate(search.Best);
            Assert.Equal(0, overload);
            Assert.Equal(optimum, cost, 9);
            compared++;
        }

        Assert.True(compared >= 20, $"only {compared} random instances had a feasible start");
    }

    [Fact]
    public void BranchAndBound_AskedToStop_KeepsAFeasiblePlanAndSaysItIsNotDone()
    {
        var problem = RandomGap(9, agents: 8, jobs: 80, tightness: 1.05);
        var view = PureAssignment.TryCreate(problem)!;
        var start = FeasibleStart(problem, view, 9) ?? throw new InvalidOperationException("no feasible start");
        var lagrangian = AssignmentLagrangian.TryCreate(view)!;
        lagrangian.Improve(view.Evaluate(start).Cost, TimeSpan.FromSeconds(1), CancellationToken.None);

        var search = new AssignmentBranchAndBound(view, start, step: 1, stop: () => true);
        search.Run(lagrangian);

        Assert.True(lagrangian.Bound < search.Upper - 1, "the root alone settles this instance; pick a harder one");
        Assert.False(search.Exhausted, "stopped at its first node, yet claimed a proof");
        Assert.Equal(1, search.Nodes);
        Assert.Equal(0, view.Evaluate(search.Best).Overload);
        Assert.True(search.Upper <= view.Evaluate(start).Cost);
    }

    [Fact]
    public void BranchAndBound_ProblemTooLargeForItsTree_IsNotSupported()
    {
        var small = PureAssignment.TryCreate(RandomGap(10, agents: 5, jobs: 40))!;
        var large = PureAssignment.TryCreate(RandomGap(10, agents: 40, jobs: 2_000))!;

        Assert.True(AssignmentBranchAndBound.Supports(small));
        Assert.False(AssignmentBranchAndBound.Supports(large));
    }

    private static int[]? FeasibleStart(PlanningProblem problem, PureAssignment view, int seed)
    {
        var result = new LocalSearchBackend().Solve(
            problem, new PlanningOptions { Seed = (ulong)seed, MaxIterations = 200, TimeLimit = TimeSpan.FromMinutes(1) }, CancellationToken.None);
        var start = view.FromAssignments(result.Assignments);
        return view.Evaluate(start).Overload == 0 ? start : null;
    }
}
