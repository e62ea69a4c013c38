using System.Security.Cryptography;
using QuantumPlanner.DataSafety.Tests.Backup;
using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage.Archive;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Archive;

/// <summary>
/// Archives to a real S3-compatible server (s3rver from tests/services/s3.sh): the rows are deleted only after the
/// uploaded object's checksum is verified, so an unreachable bucket leaves every row in the store.
/// </summary>
public sealed class ArchiveS3Tests : AbstractStoreTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Archive_ToS3_UploadsAVerifiedCopy_ThenDeletesTheRows(string kind)
    {
        var store = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 300, Seed: 21));
        var remote = $"s3://{BackupS3Tests.Bucket}/archives-{Guid.NewGuid():N}";
        var before = await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs");

        var run = await Archives.RunAsync(new ArchiveOptions { Store = store, Directory = Stores.NewDirectory(), Remote = remote, S3 = BackupS3Tests.Settings, OlderThan = TimeSpan.FromDays(10), BatchSize = 40 });

        Assert.True(run.Manifest!.Rows > 40, $"{run.Manifest.Rows} rows fit one batch; the test needs several");
        Assert.Equal(run.Manifest.Rows, run.Deleted);
        Assert.Equal(before - run.Manifest.Rows, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs"));
        Assert.Equal($"{remote}/{run.Manifest.File}", run.RemoteUrl);
        Assert.Equal(ArchiveManifest.Complete, run.Manifest.State);
        Assert.Null(run.Manifest.PendingFrom);
        using var location = BackupLocations.Open(remote, BackupS3Tests.Settings);
        var uploaded = ArchiveManifest.Parse((await location.ReadTextAsync(ArchiveManifest.ManifestNameFor(run.Manifest.File), default))!, remote);
        Assert.Equal(ArchiveManifest.Complete, uploaded.State);
        Assert.Equal(run.Manifest.Rows, uploaded.Rows);
        var copy = await location.FetchAsync(run.Manifest.File, Stores.NewDirectory(), default);
        Assert.Equal(run.Manifest.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(copy))));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Archive_ToAnUnreachableBucket_LeavesEveryRow_AndTheNextRunUploadsBeforeDeleting(string kind)
    {
        var store = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 300, Seed: 22));
        var directory = Stores.NewDirectory();
        var remote = $"s3://{BackupS3Tests.Bucket}/archives-{Guid.NewGuid():N}";
        var before = await TableChecksums.ComputeAsync(store, default);
        // A port nothing listens on: connection refused.
        var unreachable = BackupS3Tests.Settings with { Endpoint = "http://127.0.0.1:9", MaxRetries = 0 };
        ArchiveOptions Options(S3Settings s3) => new() { Store = store, Directory = directory, Remote = remote, S3 = s3, OlderThan = TimeSpan.FromDays(10), BatchSize = 40 };

        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Archives.RunAsync(Options(unreachable)));

        Assert.Contains("Nothing was deleted", error.Message, StringComparison.Ordinal);
        // Every job row as it was (the settings table only gained the open run's name).
        Assert.Equal(Jobs(before), Jobs(await TableChecksums.ComputeAsync(store, default)));
        var path = Assert.Single(Directory.GetFiles(directory, "*" + Archives.Extension));
        var kept = ArchiveManifest.Parse(await File.ReadAllTextAsync(path + BackupManifest.Suffix), path);
        Assert.Equal(ArchiveManifest.Open, kept.State);
        Assert.Equal(0, kept.PendingFrom);
        Assert.Null(kept.UploadedTo);
        Assert.True(kept.Rows > 40);

        var rerun = await Archives.RunAsync(Options(BackupS3Tests.Settings));

        Assert.Equal([path], rerun.Resumed.Select(r => r.Path));
        Assert.Null(rerun.Manifest);
        Assert.Equal(Jobs(before).Rows - kept.Rows, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs"));
        var verified = await Archives.VerifyAsync(path);
        Assert.Equal($"{remote}/{kept.File}", verified.Manifest.UploadedTo);
        using var location = BackupLocations.Open(remote, BackupS3Tests.Settings);
        var copy = await location.FetchAsync(kept.File, Stores.NewDirectory(), default);
        Assert.Equal(kept.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(copy))));
    }

    private static TableStats Jobs(IReadOnlyList<TableStats> tables) => tables.Single(t => t.Name == "optimization_jobs");
}
