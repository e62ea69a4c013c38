using System.Globalization;
using System.Text;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.Solvers.Planning;
using QuantumPlanner.Solvers.Planning.LocalSearch;

namespace QuantumPlanner.Solvers.Tests.Planning;

public class AssignmentTabuSearchTests
{
    [Fact]
    public void PureAssignment_GapImport_IsRecognised()
    {
        var view = PureAssignment.TryCreate(RandomGap(1, agents: 3, jobs: 6));

        Assert.NotNull(view);
        Assert.Equal(6, view.TaskCount);
        Assert.Equal(3, view.AgentCount);
    }

    [Fact]
    public void PureAssignment_TimingCanMatter_IsNotRecognised()
    {
        var gap = RandomGap(2, agents: 3, jobs: 6);
        var dependent = gap with { Tasks = [gap.Tasks[0] with { DependsOn = [gap.Tasks[1].Id] }, .. gap.Tasks.Skip(1)] };
        var makespan = gap with { Objective = gap.Objective with { Makespan = 1 } };
        var sequenced = gap with { Agents = [gap.Agents[0] with { Capacity = 1 }, .. gap.Agents.Skip(1)] };
        var windowed = gap with { Agents = [gap.Agents[0] with { Availability = [new TimeWindow(0, 100)] }, .. gap.Agents.Skip(1)] };

        Assert.Null(PureAssignment.TryCreate(dependent));
        Assert.Null(PureAssignment.TryCreate(makespan));
        Assert.Null(PureAssignment.TryCreate(sequenced));
        Assert.Null(PureAssignment.TryCreate(windowed));
    }

    /// <summary>Tabu search against every assignment of small random GAP instances, scored by the plan scorer.</summary>
    [Fact]
    public void LocalSearch_SmallGap_ReachesTheEnumeratedOptimum()
    {
        var compared = 0;
        for (var seed = 10; seed < 40; seed++)
        {
            var problem = RandomGap(seed, agents: 3, jobs: 7, optionalTasks: seed % 3 == 0);
            var best = BestByEnumeration(problem);
            if (best is null)
            {
                continue;
            }

            var result = new LocalSearchBackend().Solve(
                problem, new PlanningOptions { Seed = (ulong)seed, MaxIterations = 3_000, TimeLimit = TimeSpan.FromMinutes(1) }, CancellationToken.None);
            var score = PlanScorer.Score(problem, result.Assignments).Score;

            Assert.Equal(0, score.HardViolations);
            Assert.Equal(best.Value, score.Objective, 9);
            compared++;
        }

        Assert.True(compared >= 20, $"only {compared} random instances were feasible");
    }

    [Fact]
    public void LocalSearch_SameSeedOnGap_SamePlan()
    {
        var problem = RandomGap(3, agents: 5, jobs: 40);
        var options = new PlanningOptions { Seed = 9, MaxIterations = 500, TimeLimit = TimeSpan.FromMinutes(1) };

        var first = new LocalSearchBackend().Solve(problem, options, CancellationToken.None);
        var second = new LocalSearchBackend().Solve(problem, options, CancellationToken.None);

        Assert.Equal(first.Assignments, second.Assignments);
    }

    [Fact]
    public void LocalSearch_TightGap_ImprovesOnGreedyAndStaysFeasible()
    {
        var problem = RandomGap(4, agents: 8, jobs: 60, tightness: 1.1);
        var greedy = PlanScorer.Score(problem, new PlanningPipeline().Solve(problem, "greedy", new PlanningOptions(), CancellationToken.None).Assignments).Score;

        var result = new LocalSearchBackend().Solve(
            problem, new PlanningOptions { Seed = 1, MaxIterations = 2_000, TimeLimit = TimeSpan.FromMinutes(1) }, CancellationToken.None);
        var score = PlanScorer.Score(problem, result.Assignments).Score;

        Assert.Equal("feasible", result.Status);
        Assert.Equal(0, score.HardViolations);
        Assert.True(greedy.HardViolations > 0 || score.Objective < greedy.Objective, $"tabu {score.Objective}, greedy {greedy.Objective}");
    }

    /// <summary>A random GAP instance in OR-Library format, read by the real importer; capacities are
    /// <paramref name="tightness"/> × (total minimum use / agents), so lower is tighter.</summary>
    internal static PlanningProblem RandomGap(int seed, int agents, int jobs, double tightness = 1.2, bool optionalTasks = false)
    {
        var random = new Random(seed);
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"{agents} {jobs}");
        var use = new int[agents, jobs];
        for (var i = 0; i < agents; i++)
        {
            text.AppendLine(string.Join(' ', Enumerable.Range(0, jobs).Select(_ => random.Next(10, 50))));
        }

        for (var i = 0; i < agents; i++)
        {
            for (var j = 0; j < jobs; j++)
            {
                use[i, j] = random.Next(5, 25);
            }

            text.AppendLine(string.Join(' ', Enumerable.Range(0, jobs).Select(j => use[i, j])));
        }

        double total = 0;
        for (var j = 0; j < jobs; j++)
        {
            total += Enumerable.Range(0, agents).Min(i => use[i, j]);
        }

        text.AppendLine(string.Join(' ', Enumerable.Range(0, agents).Select(_ => (int)(tightness * total / agents) + random.Next(0, 10))));
        var problem = GapImporter.Parse(new StringReader(text.ToString()), "random", $"gap-{seed}");
        if (!optionalTasks)
        {
            return problem;
        }

        var tasks = problem.Tasks.Select((t, j) => j % 3 == 0 ? t with { Optional = true } : t).ToList();
        return problem with { Tasks = tasks, Objective = problem.Objective with { Unassigned = 60 } };
    }

    /// <summary>The best objective over every agent (or, for optional tasks, none) per task; null if none fits.</summary>
    private static double? BestByEnumeration(PlanningProblem problem) => OptimumByEnumeration(problem)?.Objective;

    /// <summary>An optimal plan by trying every agent (or, for optional tasks, none) per task: its objective and
    /// each task's agent index (<see cref="PureAssignment.Dropped"/> for none); null if no plan fits.</summary>
    internal static (double Objective, int[] AgentOf)? OptimumByEnumeration(PlanningProblem problem)
    {
        var n = problem.Tasks.Count;
        var m = problem.Agents.Count;
        var choice = new int[n];
        (double Objective, int[] AgentOf)? best = null;
        while (true)
        {
            var plan = new List<Assignment>();
            for (var t = 0; t < n; t++)
            {
                if (choice[t] < m)
                {
                    var task = problem.Tasks[t];
                    var agent = problem.Agents[choice[t]].Id;
                    plan.Add(new Assignment(task.Id, agent, 0, task.DurationOn(agent)));
                }
            }

            var score = PlanScorer.Score(problem, plan).Score;
            if (score.HardViolations == 0 && (best is null || score.Objective < best.Value.Objective))
            {
                best = (score.Objective, choice.Select(c => c < m ? c : PureAssignment.Dropped).ToArray());
            }

            var i = 0;
            while (i < n && ++choice[i] > (problem.Tasks[i].Optional ? m : m - 1))
            {
                choice[i++] = 0;
            }

            if (i == n)
            {
                return best;
            }
        }
    }
}
