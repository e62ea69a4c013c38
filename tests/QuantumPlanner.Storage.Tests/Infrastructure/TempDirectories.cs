using Microsoft.Data.Sqlite;

namespace QuantumPlanner.Storage.Tests.Infrastructure;

/// <summary>Fresh directories under the temp folder for SQLite stores, removed when the test ends.</summary>
public sealed class TempDirectories : IDisposable
{
    private readonly List<string> _created = [];

    public string New()
    {
        var path = Path.Combine(Path.GetTempPath(), "qp-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        _created.Add(path);
        return path;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var path in _created)
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open elsewhere; the temp folder is cleaned by the OS eventually.
            }
        }
    }
}
