namespace QuantumPlanner.Cli.Tests;

public sealed class QuantumCommandsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("qp-quantum-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void QuboSolveSettings_Decompose_MakesTheDecomposingSamplerThatReachesTheGroundState()
    {
        // A 40-variable ferromagnetic chain with a field on one end: ground state all ones, energy -2 + 39 - 78 = -41.
        var path = Path.Combine(directory, "chain.qubo");
        var lines = new List<string> { "p qubo 0 40 40 39", "0 0 -2" };
        for (var i = 1; i < 40; i++)
        {
            lines.Add($"{i} {i} 1");
            lines.Add($"{i - 1} {i} -2");
        }

        File.WriteAllLines(path, lines);
        var settings = new Commands.QuboSolveCommand.Settings { File = path, Decompose = true, SubSolver = "exact", SubproblemSize = 10, Sweeps = 5, Seed = 1 };
        var problem = Commands.QuboInput.Read(path, null);

        var sampler = settings.CreateSampler();
        var result = sampler.Sample(problem.Model, settings.ToRequest().ToOptions(problem));

        Assert.True(settings.Validate().Successful);
        Assert.Equal("decompose:exact", sampler.Name);
        Assert.Equal(-41, result.Best.Energy);
    }

    [Fact]
    public async Task QuboSolve_UnknownSubSolver_ExitsTwoNamingIt()
    {
        var (exit, _, error) = await CliRun.RunAsync("qubo", "solve", "x.qubo", "--decompose", "--sub-solver", "nope");

        Assert.Equal(2, exit);
        Assert.Contains("nope", error, StringComparison.Ordinal);
    }
}
