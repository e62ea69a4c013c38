using System.Text.Json;
using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage.Archive;

namespace QuantumPlanner.DataSafety.Tests.Archive;

/// <summary>
/// qplan ops archive stopped by SIGTERM mid-purge (a CronJob's pod stopped): it exits 1 saying so, an audit record
/// counts the rows it deleted, and the next run finishes its archive and records that too.
/// </summary>
public sealed class ArchiveTerminateTests : AbstractStoreTests
{
    [Fact]
    public async Task Archive_StoppedBySigterm_AuditsWhatItDeleted_AndTheRerunFinishesIt()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 1000, Seed: 61));
        var matching = await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs WHERE status IN ('completed', 'failed') AND created_at < (unixepoch('now') - 30 * 86400) * 1000000");
        var total = await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs");
        var archives = Stores.NewDirectory();
        // Paced to 100 rows/s in batches of 10, so the purge is still running when the signal comes.
        string[] arguments = ["ops", "archive", "--older-than", "30d", "--batch", "10", "--max-rate", "100", "--to", archives, "--data-dir", store.DataDirectory];

        var stopped = await Qplan.RunAndTerminateAsync(arguments, async () => await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs") <= total - 30);

        Assert.NotNull(stopped);
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("cancelled", stopped.Stderr, StringComparison.Ordinal);
        var left = await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs");
        Assert.InRange(left, total - matching + 1, total - 30);
        var interrupted = await PurgeRecordsAsync(store);
        var record = Assert.Single(interrupted);
        Assert.Equal(total - left, record.GetProperty("deleted").GetInt64());
        Assert.True(record.TryGetProperty("interrupted", out _), record.ToString());

        var rerun = await Qplan.RunAsync(["ops", "archive", "--older-than", "30d", "--to", archives, "--data-dir", store.DataDirectory, "--json"]);

        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Equal(total - matching, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs"));
        var records = await PurgeRecordsAsync(store);
        var resumed = records.Single(r => r.TryGetProperty("resumed", out _));
        var fresh = records.Single(r => r.TryGetProperty("cutoff", out _));
        Assert.Equal(matching, resumed.GetProperty("rows").GetInt64() + fresh.GetProperty("rows").GetInt64());
        Assert.Equal(matching, record.GetProperty("deleted").GetInt64() + resumed.GetProperty("deleted").GetInt64() + fresh.GetProperty("deleted").GetInt64());
        foreach (var file in Directory.GetFiles(archives, "*" + Archives.Extension))
        {
            await Archives.VerifyAsync(file);
        }
    }

    private static async Task<List<JsonElement>> PurgeRecordsAsync(Storage.Backup.StoreLocation store)
    {
        await using var connection = await JobSeeder.OpenAsync(store);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT details FROM audit_log WHERE action = 'archive.purge' ORDER BY id";
        var records = new List<JsonElement>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var document = JsonDocument.Parse(reader.GetString(0));
            records.Add(document.RootElement.Clone());
        }

        return records;
    }
}
