using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.OrTools.CpSat;

namespace QuantumPlanner.OrTools.Tests;

public sealed class ImporterTests
{
    private static readonly PlanningOptions TenSeconds = new() { TimeLimit = TimeSpan.FromSeconds(10) };

    [Fact]
    public void JobShopRead_Ft06_SolvesToPublishedMakespan55()
    {
        var problem = JobShopImporter.Read(TestData.Path("ft06.txt"));

        Assert.Equal(6, problem.Agents.Count);
        Assert.Equal(36, problem.Tasks.Count);
        Assert.Equal(["j0-0"], problem.Tasks[1].DependsOn);
        var result = new CpSatBackend(2).Solve(problem, TenSeconds, CancellationToken.None);
        Assert.Equal("optimal", result.Status);
        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
        Assert.Equal(55, result.Assignments.Max(a => a.End));
    }

    [Fact]
    public void JobShopParse_ZeroDurationOperations_GivesAValidProblemEveryBackendSolves()
    {
        // Three jobs on two machines; job 1's first and job 2's last operations take no time (milestones).
        const string text = "3 2\n0 3 1 2\n1 0 0 4\n0 2 1 0\n";
        var problem = JobShopImporter.Parse(new StringReader(text), "zero.txt", "zero");

        Assert.Empty(ProblemValidator.Validate(problem));
        Assert.Equal(0, problem.Tasks.Single(t => t.Id == "j1-0").Duration);
        var options = TenSeconds with { Check = true, MaxIterations = 2_000 };
        var optimum = PlanScorer.Score(problem, new Solvers.Planning.Exact.ExactBackend().Solve(problem, options, CancellationToken.None).Assignments).Score.Objective;
        foreach (var backend in new[] { "greedy", "localsearch", "cpsat" })
        {
            var result = Conformance.PlanningProblems.Create(backend).Solve(problem, options, CancellationToken.None);
            var score = PlanScorer.Score(problem, result.Assignments).Score;
            Assert.Empty(score.Violations);
            Assert.True(score.Objective >= optimum - 1e-9, $"{backend}: {score.Objective} below the optimum {optimum}");
        }

        Assert.Equal(9, optimum);
    }

    [Fact]
    public void GapRead_Gap1Instance1_SolvesToPublishedMinimumCost261()
    {
        var problem = GapImporter.Read(TestData.Path("gap1-1.txt"));

        Assert.Equal(5, problem.Agents.Count);
        Assert.Equal(15, problem.Tasks.Count);
        Assert.Equal(36, problem.Agents[0].MaxWorkload);
        var result = new CpSatBackend(2).Solve(problem, TenSeconds, CancellationToken.None);
        Assert.Equal("optimal", result.Status);
        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
        double cost = result.Assignments.Sum(a => problem.Tasks.Single(t => t.Id == a.Task).CostByAgent[a.Agent!]);
        Assert.Equal(261, cost);
        Assert.Equal(261, result.Bound);
    }

    [Fact]
    public void RcpspRead_J301_1_SolvesToPublishedMakespan43()
    {
        var problem = RcpspImporter.Read(TestData.Path("j301_1.sm"));

        Assert.Empty(problem.Agents);
        Assert.Equal(4, problem.Resources.Count);
        Assert.Equal(30, problem.Tasks.Count);
        Assert.Equal(12, problem.Resources[0].Capacity);
        var result = new CpSatBackend(2).Solve(problem, TenSeconds, CancellationToken.None);
        Assert.Equal("optimal", result.Status);
        Assert.Empty(IndependentCheck.Violations(problem, result.Assignments));
        Assert.Equal(43, result.Assignments.Max(a => a.End));
    }

    [Fact]
    public void JobShopParse_NonNumber_NamesFileAndLine()
    {
        var ex = Assert.Throws<ImportFormatException>(() =>
            JobShopImporter.Parse(new StringReader("2 2\n0 5 1 3\n1 x 0 2\n"), "bad.txt", "bad"));

        Assert.Equal(3, ex.Line);
        Assert.Contains("bad.txt, line 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'x'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JobShopParse_MachineOutOfRange_SaysWhatWasExpected()
    {
        var ex = Assert.Throws<ImportFormatException>(() =>
            JobShopImporter.Parse(new StringReader("1 2\n0 5 2 3\n"), "bad.txt", "bad"));

        Assert.Contains("in [0, 1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GapParse_Truncated_SaysFileEnded()
    {
        var ex = Assert.Throws<ImportFormatException>(() =>
            GapImporter.Parse(new StringReader("2 2\n1 2\n3 4\n5 6\n7 8\n9\n"), "short.txt", "short"));

        Assert.Contains("short.txt, line 6", ex.Message, StringComparison.Ordinal);
        Assert.Contains("capacity b_2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GapParse_ExtraNumbers_RefusesFile()
    {
        var ex = Assert.Throws<ImportFormatException>(() =>
            GapImporter.Parse(new StringReader("1 1\n1\n2\n3\n4\n"), "long.txt", "long"));

        Assert.Equal(5, ex.Line);
    }

    [Fact]
    public void RcpspParse_MissingRequestsBlock_NamesTheHeading()
    {
        var text = File.ReadAllText(TestData.Path("j301_1.sm")).Replace("REQUESTS/DURATIONS:", "REQUESTS:", StringComparison.Ordinal);

        var ex = Assert.Throws<ImportFormatException>(() => RcpspImporter.Parse(new StringReader(text), "j.sm", "j"));

        Assert.Contains("REQUESTS/DURATIONS:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RcpspParse_WrongSuccessorCount_NamesTheLine()
    {
        var lines = File.ReadAllLines(TestData.Path("j301_1.sm"));
        int row = Array.FindIndex(lines, l => l.StartsWith("PRECEDENCE", StringComparison.Ordinal)) + 2;
        lines[row] = "   1        1          4           2   3   4";

        var ex = Assert.Throws<ImportFormatException>(() => RcpspImporter.Parse(new StringReader(string.Join('\n', lines)), "j.sm", "j"));

        Assert.Equal(row + 1, ex.Line);
    }
}
