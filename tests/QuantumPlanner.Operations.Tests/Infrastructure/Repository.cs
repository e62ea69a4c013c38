namespace QuantumPlanner.Operations.Tests.Infrastructure;

/// <summary>The repository checkout the tests run from (found by walking up to QuantumPlanner.slnx).</summary>
internal static class Repository
{
    public static readonly string Root = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QuantumPlanner.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"QuantumPlanner.slnx not found above {AppContext.BaseDirectory}.");
    }
}
