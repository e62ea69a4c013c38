using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Backup;

/// <summary>Truncated, corrupted and foreign backups fail verify and restore naming the file and what failed; nothing is changed.</summary>
public sealed class BackupDamageTests : AbstractStoreTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Verify_OfATruncatedBackup_FailsNamingTheFile(string kind)
    {
        var (source, created) = await BackupAsync(kind);
        var bytes = await File.ReadAllBytesAsync(created.LocalPath);
        await File.WriteAllBytesAsync(created.LocalPath, bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Backups.VerifyAsync(created.LocalPath, source));
        Assert.Contains(created.LocalPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Verify_AndRestore_OfACorruptedBackup_FailAndLeaveTheTargetAlone(string kind)
    {
        var (source, created) = await BackupAsync(kind);
        var bytes = await File.ReadAllBytesAsync(created.LocalPath);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(created.LocalPath, bytes);

        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Backups.VerifyAsync(created.LocalPath, source));
        Assert.Contains(created.LocalPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupted", error.Message, StringComparison.Ordinal);

        var target = await Stores.NewAsync(kind);
        var before = await TableChecksums.ComputeAsync(target, default);
        await Assert.ThrowsAsync<DataSafetyException>(() => Backups.RestoreAsync(created.LocalPath, target, force: true));
        Assert.Empty(TableChecksums.Differences(before, await TableChecksums.ComputeAsync(target, default)));
    }

    [Fact]
    public async Task Verify_OfAForeignFile_FailsBecauseItHasNoManifest()
    {
        var directory = Stores.NewDirectory();
        var foreign = Path.Combine(directory, "someone-else.dump");
        await File.WriteAllTextAsync(foreign, "not a backup");

        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Backups.VerifyAsync(foreign, null));
        Assert.Contains(foreign, error.Message, StringComparison.Ordinal);
        Assert.Contains("no manifest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_OfAFileWithAnotherBackupsManifest_FailsNamingTheMismatch()
    {
        var (_, created) = await BackupAsync("sqlite");
        var other = Path.Combine(Path.GetDirectoryName(created.LocalPath)!, "qplan-sqlite-other.db.gz");
        File.Copy(created.LocalPath, other);
        File.Copy(created.LocalPath + BackupManifest.Suffix, other + BackupManifest.Suffix);

        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Backups.VerifyAsync(other, null));
        Assert.Contains("describes " + created.Manifest.File, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_OfAManifestFromAnotherTool_FailsNamingTheFormat()
    {
        var (_, created) = await BackupAsync("sqlite");
        await File.WriteAllTextAsync(created.LocalPath + BackupManifest.Suffix, """{"format":"other-tool/3"}""");

        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Backups.VerifyAsync(created.LocalPath, null));
        Assert.Contains("other-tool/3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Create_WithAPgDumpOlderThanTheServer_IsRefusedNamingBothVersions()
    {
        var source = await Stores.NewAsync("postgresql");
        var bin = Stores.NewDirectory();
        foreach (var tool in new[] { "pg_dump", "pg_restore" })
        {
            var path = Path.Combine(bin, tool);
            await File.WriteAllTextAsync(path, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        }

        var backups = Stores.NewDirectory();
        var error = await Assert.ThrowsAsync<DataSafetyException>(() => Backups.CreateAsync(new BackupCreateOptions { Store = source, LocalDirectory = backups, PgBin = bin }));
        Assert.Contains("9.6.24", error.Message, StringComparison.Ordinal);
        Assert.Matches(@"server's 1\d\.\d+", error.Message);
        Assert.Empty(Directory.GetFiles(backups));
    }

    private async Task<(StoreLocation Source, BackupCreated Created)> BackupAsync(string kind)
    {
        var source = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(source, new JobSeeder.Options(Jobs: 60, Seed: 4));
        return (source, await Backups.CreateAsync(new BackupCreateOptions { Store = source, LocalDirectory = Stores.NewDirectory() }));
    }
}
