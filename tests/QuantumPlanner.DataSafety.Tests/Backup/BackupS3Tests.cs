using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Backup;

/// <summary>Backups to a real S3-compatible server (s3rver from tests/services/s3.sh).</summary>
public sealed class BackupS3Tests : AbstractStoreTests
{

    public static S3Settings Settings => new()
    {
        Endpoint = Environment.GetEnvironmentVariable("QP_TEST_S3_ENDPOINT") is { Length: > 0 } endpoint
            ? endpoint
            : throw new InvalidOperationException("QP_TEST_S3_ENDPOINT is not set. Maybe run tests/run, or 'source tests/services/s3.sh' first."),
        ForcePathStyle = true,
        AccessKeyId = Environment.GetEnvironmentVariable("QP_TEST_S3_ACCESS_KEY"),
        SecretAccessKey = Environment.GetEnvironmentVariable("QP_TEST_S3_SECRET_KEY"),
        MultipartThresholdBytes = 5L * 1024 * 1024,
    };

    public static string Bucket => Environment.GetEnvironmentVariable("QP_TEST_S3_BUCKET") ?? "qp-test";

    [Fact]
    public async Task Create_ToS3_UploadsInParts_AndVerifyAndRestoreReadTheUrl()
    {
        var source = await Stores.NewAsync("sqlite");
        // Incompressible payloads, so the gzip file passes the 5 MiB multipart threshold.
        await JobSeeder.SeedAsync(source, new JobSeeder.Options(Jobs: 1500, Seed: 5, RandomPayloadBytes: 4500));
        var remote = $"s3://{Bucket}/backups-{Guid.NewGuid():N}";

        var created = await Backups.CreateAsync(new BackupCreateOptions { Store = source, LocalDirectory = Stores.NewDirectory(), Remote = remote, S3 = Settings });
        Assert.True(created.Manifest.SizeBytes > 5L * 1024 * 1024, $"backup of {created.Manifest.SizeBytes} bytes is too small to be uploaded in parts");
        Assert.Equal($"{remote}/{created.Manifest.File}", created.RemoteUrl);

        using (var location = BackupLocations.Open(remote, Settings))
        {
            var entries = await Backups.ListAsync(location);
            Assert.True(Assert.Single(entries).Good);
        }

        var verified = await Backups.VerifyAsync(created.RemoteUrl!, null, s3: Settings);
        Assert.Equal(created.Manifest.Sha256, verified.Manifest.Sha256);

        var target = new StoreLocation(null, Stores.NewDirectory());
        await Backups.RestoreAsync(created.RemoteUrl!, target, force: false, s3: Settings);
        Assert.Empty(TableChecksums.Differences(created.Manifest.Tables, await TableChecksums.ComputeAsync(target, default)));
    }

    [Fact]
    public async Task Create_ToAnUnreachableBucket_FailsAndKeepsTheLocalCopy()
    {
        var source = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(source, new JobSeeder.Options(Jobs: 20, Seed: 6));
        var local = Stores.NewDirectory();
        // A port nothing listens on: connection refused.
        var unreachable = Settings with { Endpoint = "http://127.0.0.1:9", MaxRetries = 0 };

        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Backups.CreateAsync(
            new BackupCreateOptions { Store = source, LocalDirectory = local, Remote = $"s3://{Bucket}/nowhere", S3 = unreachable }));

        Assert.Contains($"s3://{Bucket}/nowhere", error.Message, StringComparison.Ordinal);
        Assert.Contains("local copy", error.Message, StringComparison.Ordinal);
        var backup = Assert.Single(Directory.GetFiles(local, "*.db.gz"));
        Assert.True(File.Exists(backup + BackupManifest.Suffix));
        await Backups.VerifyAsync(backup, null);
        Assert.DoesNotContain(Settings.SecretAccessKey!, error.ToString(), StringComparison.Ordinal);
    }
}
