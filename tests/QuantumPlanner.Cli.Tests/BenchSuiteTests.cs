using QuantumPlanner.Cli.Bench;

namespace QuantumPlanner.Cli.Tests;

public sealed class BenchSuiteTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("qp-suite-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Load_ListsInstancesWithFiles_InNaturalOrder()
    {
        File.WriteAllText(Path.Combine(directory, "best_known.csv"), "instance,objective,sense,status\nG10,2000,max,best-known\nG2,11620,max,best-known\nG3,11622,max,best-known\n");
        File.WriteAllText(Path.Combine(directory, "G10.txt"), "2 1\n1 2 1\n");
        File.WriteAllText(Path.Combine(directory, "G2.txt"), "2 1\n1 2 1\n");

        var instances = BenchSuite.Load(directory);

        Assert.Equal(["G2", "G10"], instances.Select(i => i.Name));
        Assert.True(instances[0].Maximize);
        Assert.Equal(11620, instances[0].BestKnown);
    }

    [Fact]
    public void Load_UnknownInstanceRequested_NamesIt()
    {
        File.WriteAllText(Path.Combine(directory, "best_known.csv"), "instance,objective,sense,status\nG2,11620,max,best-known\n");
        File.WriteAllText(Path.Combine(directory, "G2.txt"), "2 1\n1 2 1\n");

        var error = Assert.Throws<UserInputException>(() => BenchSuite.Load(directory, ["G2", "G99"]));

        Assert.Contains("G99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingCsv_SaysWhatTheFolderNeeds()
    {
        var error = Assert.Throws<UserInputException>(() => BenchSuite.Load(directory));
        Assert.Contains("best_known.csv", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max", 100, 99, 1.0, false)]
    [InlineData("max", 100, 100, 0.0, true)]
    [InlineData("min", 200, 201, 0.5, false)]
    [InlineData("min", 200, 199, -0.5, true)]
    public void RowOf_GapFollowsTheSense(string sense, double best, double found, double gapPct, bool hit)
    {
        var instance = new BenchInstance("x", "x.txt", best, sense, "optimal");
        var row = BenchRow.Of(instance, found, 1, 0.5, "tabu");
        Assert.Equal(gapPct, row.GapPct!.Value, 9);
        Assert.Equal(hit, row.Hit);
    }
}
