namespace QuantumPlanner.Storage.Backup;

/// <summary>A directory on a local or mounted file system.</summary>
internal sealed class LocalDirectoryLocation : IBackupLocation
{
    public LocalDirectoryLocation(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    public string Description => Directory;

    public string Describe(string name) => Path.Combine(Directory, name);

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> names = System.IO.Directory.Exists(Directory)
            ? [.. System.IO.Directory.EnumerateFiles(Directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
            : [];
        return Task.FromResult(names);
    }

    public async Task PutVerifiedAsync(string localPath, string name, string sha256, CancellationToken cancellationToken)
    {
        var target = Describe(name);
        if (!string.Equals(Path.GetFullPath(localPath), target, StringComparison.Ordinal))
        {
            System.IO.Directory.CreateDirectory(Directory);
            var temporary = target + ".part";
            File.Copy(localPath, temporary, overwrite: true);
            File.Move(temporary, target, overwrite: true);
        }

        var actual = await FileHashes.Sha256Async(target, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(actual, sha256, StringComparison.Ordinal))
        {
            throw new DataSafetyException($"{target}: SHA-256 after copying is {actual}, expected {sha256}. Maybe the disk is failing or full.");
        }
    }

    public async Task PutTextAsync(string name, string text, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        await FileHashes.WriteAtomicallyAsync(Describe(name), text, cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> ReadTextAsync(string name, CancellationToken cancellationToken)
    {
        var path = Describe(name);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;
    }

    public Task<string> FetchAsync(string name, string scratchDirectory, CancellationToken cancellationToken)
    {
        var path = Describe(name);
        if (!File.Exists(path))
        {
            throw new DataSafetyException($"{path} does not exist. Maybe 'qplan ops backup list' shows the backups that do.");
        }

        return Task.FromResult(path);
    }

    public Task<long?> SizeAsync(string name, CancellationToken cancellationToken)
    {
        var info = new FileInfo(Describe(name));
        return Task.FromResult(info.Exists ? info.Length : (long?)null);
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        File.Delete(Describe(name));
        return Task.CompletedTask;
    }

    public void Dispose()
    {
    }
}
