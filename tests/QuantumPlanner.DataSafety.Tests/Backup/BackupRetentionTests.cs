using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Backup;

/// <summary>--keep-days deletes old backups but never the newest good one.</summary>
public sealed class BackupRetentionTests : AbstractStoreTests
{
    [Fact]
    public async Task Create_WithKeepDays_DeletesBackupsOlderThanThatOnly()
    {
        var source = await Stores.NewAsync("sqlite");
        var directory = Stores.NewDirectory();
        var time = new SettableTime();
        var made = new List<BackupCreated>();
        foreach (var days in new[] { 0, 5, 10 })
        {
            time.Offset = TimeSpan.FromDays(days);
            made.Add(await Backups.CreateAsync(new BackupCreateOptions { Store = source, LocalDirectory = directory, KeepDays = 7, Time = time }));
        }

        // At day 10 the backup of day 0 is 10 days old: deleted; day 5 is 5 days old: kept.
        Assert.Equal([made[0].LocalPath], made[2].Deleted);
        Assert.False(File.Exists(made[0].LocalPath));
        Assert.False(File.Exists(made[0].LocalPath + BackupManifest.Suffix));
        using var location = BackupLocations.Open(directory);
        Assert.Equal([made[2].Manifest.File, made[1].Manifest.File], (await Backups.ListAsync(location)).Select(e => e.Name));
    }

    [Fact]
    public async Task Retention_NeverDeletesTheNewestGoodBackup_EvenWhenEverythingIsOld()
    {
        var source = await Stores.NewAsync("sqlite");
        var directory = Stores.NewDirectory();
        var time = new SettableTime();
        var older = await Backups.CreateAsync(new BackupCreateOptions { Store = source, LocalDirectory = directory, KeepDays = null, Time = time });
        time.Offset = TimeSpan.FromDays(1);
        var newest = await Backups.CreateAsync(new BackupCreateOptions { Store = source, LocalDirectory = directory, KeepDays = null, Time = time });
        // The newest is damaged (cut short): it is not good, so the older one is the newest good backup.
        await File.WriteAllBytesAsync(newest.LocalPath, [1, 2, 3]);

        using var location = BackupLocations.Open(directory);
        var deleted = await Backups.ApplyRetentionAsync(location, keepDays: 7, DateTimeOffset.UtcNow + TimeSpan.FromDays(30));

        Assert.Empty(deleted);
        Assert.True(File.Exists(older.LocalPath));
        Assert.True(File.Exists(newest.LocalPath), "a damaged backup is left for a person to look at");
        var entries = await Backups.ListAsync(location);
        Assert.Contains(entries, e => e.Name == newest.Manifest.File && e.Problem!.Contains("size 3 bytes", StringComparison.Ordinal));
    }
}
