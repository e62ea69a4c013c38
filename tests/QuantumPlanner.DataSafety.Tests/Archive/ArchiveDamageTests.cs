using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage.Archive;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Archive;

/// <summary>Truncated, corrupted and foreign archives are refused naming the file; a restore of one inserts nothing.</summary>
public sealed class ArchiveDamageTests : AbstractStoreTests
{
    [Fact]
    public async Task Verify_OfATruncatedArchive_FailsNamingTheFile()
    {
        var (_, run) = await ArchiveAsync();
        var bytes = await File.ReadAllBytesAsync(run.Path!);
        await File.WriteAllBytesAsync(run.Path!, bytes[..(bytes.Length - 100)]);

        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Archives.VerifyAsync(run.Path!));
        Assert.Contains(run.Path!, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_OfACorruptedArchive_FailsAndInsertsNothing()
    {
        var (store, run) = await ArchiveAsync();
        var bytes = await File.ReadAllBytesAsync(run.Path!);
        bytes[bytes.Length / 2] ^= 0x20;
        await File.WriteAllBytesAsync(run.Path!, bytes);
        var before = await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs");

        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Archives.RestoreAsync(run.Path!, store));
        Assert.Contains(run.Path!, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupted", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs"));
    }

    [Fact]
    public async Task Verify_WhenTheProgressHistoryDisagreesWithTheManifest_FailsNamingTheFile()
    {
        var (_, run) = await ArchiveAsync();
        Assert.True(run.Manifest!.ProgressRows > 0, "the archive holds no progress history");
        var manifestPath = run.Path + BackupManifest.Suffix;
        var manifest = ArchiveManifest.Parse(await File.ReadAllTextAsync(manifestPath), manifestPath);
        await File.WriteAllTextAsync(manifestPath, (manifest with { ProgressRows = manifest.ProgressRows - 1 }).ToJson());

        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Archives.VerifyAsync(run.Path!));
        Assert.Contains(run.Path!, error.Message, StringComparison.Ordinal);
        Assert.Contains($"{manifest.ProgressRows} progress-history rows, the manifest says {manifest.ProgressRows - 1}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_OfAForeignFile_OrABackup_FailsNamingWhatItIs()
    {
        var directory = Stores.NewDirectory();
        var foreign = Path.Combine(directory, "export.jsonl.gz");
        await File.WriteAllTextAsync(foreign, "{}");
        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Archives.VerifyAsync(foreign));
        Assert.Contains("no manifest", error.Message, StringComparison.Ordinal);

        var store = await Stores.NewAsync("sqlite");
        var backup = await Backups.CreateAsync(new BackupCreateOptions { Store = store, LocalDirectory = directory });
        var notArchive = await Assert.ThrowsAsync<DataSafetyException>(() => Archives.VerifyAsync(backup.LocalPath));
        Assert.Contains(BackupManifest.CurrentFormat, notArchive.Message, StringComparison.Ordinal);
    }

    private async Task<(StoreLocation Store, ArchiveRun Run)> ArchiveAsync()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 300, Seed: 14));
        return (store, await Archives.RunAsync(new ArchiveOptions { Store = store, Directory = Stores.NewDirectory(), OlderThan = TimeSpan.FromDays(10), BatchSize = 50 }));
    }
}
