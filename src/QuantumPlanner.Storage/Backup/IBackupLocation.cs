namespace QuantumPlanner.Storage.Backup;

/// <summary>
/// Where backups and archives are kept: a local directory or an S3 bucket prefix. Names are flat file names
/// (no folders) inside the location.
/// </summary>
public interface IBackupLocation : IDisposable
{
    /// <summary>The directory or s3:// URL, for messages and listings.</summary>
    string Description { get; }

    /// <summary>The full path or URL of one entry.</summary>
    string Describe(string name);

    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores a local file under <paramref name="name"/>, then reads it back and compares its SHA-256 with <paramref name="sha256"/>.</summary>
    Task PutVerifiedAsync(string localPath, string name, string sha256, CancellationToken cancellationToken);

    Task PutTextAsync(string name, string text, CancellationToken cancellationToken);

    /// <summary>The entry's text, or null when it does not exist.</summary>
    Task<string?> ReadTextAsync(string name, CancellationToken cancellationToken);

    /// <summary>Copies the entry to a local file (the same file when the location is that directory).</summary>
    Task<string> FetchAsync(string name, string scratchDirectory, CancellationToken cancellationToken);

    /// <summary>The entry's size in bytes, or null when it does not exist.</summary>
    Task<long?> SizeAsync(string name, CancellationToken cancellationToken);

    Task DeleteAsync(string name, CancellationToken cancellationToken);
}
