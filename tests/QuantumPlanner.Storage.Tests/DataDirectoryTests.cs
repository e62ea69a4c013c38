namespace QuantumPlanner.Storage.Tests;

public sealed class DataDirectoryTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Resolve_NoFolderNamed_IsQuantumPlannerUnderLocalApplicationData(string? configured)
    {
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);

        Assert.Equal(Path.Combine(local, "quantum-planner"), DataDirectory.Resolve(configured));
    }

    [Fact]
    public void Resolve_FolderNamed_IsThatFolder()
    {
        Assert.Equal("/srv/qp-data", DataDirectory.Resolve("/srv/qp-data"));
    }
}
