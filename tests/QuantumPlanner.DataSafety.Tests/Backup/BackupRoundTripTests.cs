using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Backup;

/// <summary>Backup → verify → restore on both stores: nothing lost, the restored tables equal the source's.</summary>
public sealed class BackupRoundTripTests : AbstractStoreTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Backup_ThenRestoreIntoEmptyStore_GivesEqualCountsAndChecksums(string kind)
    {
        var source = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(source, new JobSeeder.Options(Jobs: 300));
        var before = await TableChecksums.ComputeAsync(source, default);

        var created = await Backups.CreateAsync(new BackupCreateOptions { Store = source, LocalDirectory = Stores.NewDirectory() });
        Assert.True(File.Exists(created.LocalPath));
        Assert.True(File.Exists(created.LocalPath + BackupManifest.Suffix));
        Assert.Equal(kind, created.Manifest.Store);
        Assert.Equal(300, created.Manifest.Tables.Single(t => t.Name == "optimization_jobs").Rows);
        Assert.Equal(await JobSeeder.ScalarAsync(source, "SELECT count(*) FROM job_progress"), created.Manifest.Tables.Single(t => t.Name == "job_progress").Rows);
        Assert.True(created.Manifest.Tables.Single(t => t.Name == "job_progress").Rows > 300, "the seed made too little progress history to cover it");
        Assert.Empty(TableChecksums.Differences(before, created.Manifest.Tables));
        Assert.NotNull(created.Manifest.SchemaVersion);

        var verified = await Backups.VerifyAsync(created.LocalPath, source);
        Assert.Contains(verified.Checks, c => c.Contains("checksums equal", StringComparison.Ordinal));

        var target = kind == "postgresql" ? Stores.NewPostgresTarget() : new StoreLocation(null, Stores.NewDirectory());
        var restored = await Backups.RestoreAsync(created.LocalPath, target, force: false);
        Assert.Equal(created.Manifest.Sha256, restored.Manifest.Sha256);
        Assert.Empty(TableChecksums.Differences(before, await TableChecksums.ComputeAsync(target, default)));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Restore_IntoNonEmptyStore_IsRefusedUnlessForced(string kind)
    {
        var source = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(source, new JobSeeder.Options(Jobs: 40, Seed: 2));
        var created = await Backups.CreateAsync(new BackupCreateOptions { Store = source, LocalDirectory = Stores.NewDirectory() });

        var target = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(target, new JobSeeder.Options(Jobs: 5, Seed: 3));
        var targetBefore = await TableChecksums.ComputeAsync(target, default);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => Backups.RestoreAsync(created.LocalPath, target, force: false));
        Assert.Contains("not empty", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--force", refused.Message, StringComparison.Ordinal);
        Assert.Empty(TableChecksums.Differences(targetBefore, await TableChecksums.ComputeAsync(target, default)));

        await Backups.RestoreAsync(created.LocalPath, target, force: true);
        Assert.Empty(TableChecksums.Differences(created.Manifest.Tables, await TableChecksums.ComputeAsync(target, default)));
    }

    [Fact]
    public async Task Restore_OfAPostgresBackupIntoSqlite_IsRefusedAsBadInput()
    {
        var source = await Stores.NewAsync("postgresql");
        var created = await Backups.CreateAsync(new BackupCreateOptions { Store = source, LocalDirectory = Stores.NewDirectory() });
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Backups.RestoreAsync(created.LocalPath, new StoreLocation(null, Stores.NewDirectory()), force: false));
        Assert.Contains("postgresql backup", error.Message, StringComparison.Ordinal);
    }
}
