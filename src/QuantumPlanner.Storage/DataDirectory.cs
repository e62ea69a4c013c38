namespace QuantumPlanner.Storage;

/// <summary>
/// The folder of the embedded stores (SQLite, the first admin key) when none is named. Serve, the worker and every
/// CLI verb resolve it here so they open the same files.
/// </summary>
public static class DataDirectory
{
    /// <summary>The configured folder, else quantum-planner under the user's local application data.</summary>
    public static string Resolve(string? configured) => string.IsNullOrWhiteSpace(configured)
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "quantum-planner")
        : configured;
}
