namespace QuantumPlanner.Storage.Backup;

/// <summary>Parses the <c>--to</c> value of backup and archive verbs: a directory or <c>s3://BUCKET/PREFIX</c>.</summary>
public static class BackupLocations
{
    public static bool IsS3(string value) => value.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

    public static IBackupLocation Open(string value, S3Settings? s3 = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (!IsS3(value))
        {
            return new LocalDirectoryLocation(value);
        }

        var (bucket, prefix) = SplitS3(value);
        return new S3Location(bucket, prefix, s3 ?? S3Settings.FromEnvironment());
    }

    /// <summary>Splits a file path or URL into its location and the entry's name.</summary>
    public static (IBackupLocation Location, string Name) OpenEntry(string value, S3Settings? s3 = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (!IsS3(value))
        {
            var full = Path.GetFullPath(value);
            return (new LocalDirectoryLocation(Path.GetDirectoryName(full)!), Path.GetFileName(full));
        }

        var (bucket, key) = SplitS3(value);
        var slash = key.LastIndexOf('/');
        if (key.Length == 0 || slash == key.Length - 1)
        {
            throw new ArgumentException($"'{value}' names no object. Maybe s3://{bucket}/PREFIX/NAME, as 'qplan ops backup list --to s3://{bucket}/PREFIX' prints it.");
        }

        return (new S3Location(bucket, slash < 0 ? string.Empty : key[..slash], s3 ?? S3Settings.FromEnvironment()), key[(slash + 1)..]);
    }

    private static (string Bucket, string Path) SplitS3(string value)
    {
        var rest = value["s3://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Length == 0)
        {
            throw new ArgumentException($"'{value}' names no bucket. Maybe s3://my-bucket/quantum-planner/backups.");
        }

        return (bucket, slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/'));
    }
}
