using System.Globalization;

namespace QuantumPlanner.Storage.Backup;

/// <summary>
/// How to reach S3-compatible object storage, from the environment (a Kubernetes Secret fills these through
/// <c>secretKeyRef</c>, or is mounted as files named in <see cref="CredentialsDirectoryVariable"/>). Credentials are
/// only handed to the SDK; nothing here prints them.
/// </summary>
public sealed record S3Settings
{
    public const string EndpointVariable = "QP_S3_ENDPOINT";
    public const string RegionVariable = "QP_S3_REGION";
    public const string PathStyleVariable = "QP_S3_FORCE_PATH_STYLE";
    public const string CredentialsDirectoryVariable = "QP_S3_CREDENTIALS_DIR";

    /// <summary>ServiceURL of an S3-compatible server (MinIO, Ceph, s3rver); null for AWS itself.</summary>
    public string? Endpoint { get; init; }

    public string Region { get; init; } = "us-east-1";

    /// <summary>Path-style addressing (http://host/bucket/key), which most S3-compatible servers need.</summary>
    public bool ForcePathStyle { get; init; }

    public string? AccessKeyId { get; init; }

    public string? SecretAccessKey { get; init; }

    public string? SessionToken { get; init; }

    /// <summary>Files at least this large are uploaded in parts (S3's minimum part is 5 MiB).</summary>
    public long MultipartThresholdBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Attempts per request before an unreachable server is reported.</summary>
    public int MaxRetries { get; init; } = 3;

    public static S3Settings FromEnvironment()
    {
        var endpoint = Variable(EndpointVariable);
        var pathStyle = Variable(PathStyleVariable);
        string? accessKey = Variable("AWS_ACCESS_KEY_ID");
        string? secretKey = Variable("AWS_SECRET_ACCESS_KEY");
        var directory = Variable(CredentialsDirectoryVariable);
        if (directory is not null)
        {
            accessKey = ReadSecret(directory, "access-key-id") ?? accessKey;
            secretKey = ReadSecret(directory, "secret-access-key") ?? secretKey;
        }

        return new S3Settings
        {
            Endpoint = endpoint,
            Region = Variable(RegionVariable) ?? Variable("AWS_REGION") ?? "us-east-1",
            ForcePathStyle = pathStyle is null ? endpoint is not null : bool.Parse(pathStyle.ToLowerInvariant() switch { "1" or "yes" => "true", "0" or "no" => "false", var other => other }),
            AccessKeyId = accessKey,
            SecretAccessKey = secretKey,
            SessionToken = Variable("AWS_SESSION_TOKEN"),
        };
    }

    /// <summary>Never the credentials.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"endpoint {Endpoint ?? "AWS"}, region {Region}, path-style {ForcePathStyle}");

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    private static string? ReadSecret(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }
}
