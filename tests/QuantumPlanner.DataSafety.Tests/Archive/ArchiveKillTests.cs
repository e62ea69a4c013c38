using QuantumPlanner.DataSafety.Tests.Infrastructure;
using QuantumPlanner.Storage.Archive;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.DataSafety.Tests.Archive;

/// <summary>
/// qplan ops archive SIGKILLed at seeded random moments, then run to the end: every job is either still in the store or
/// in exactly one verified archive, never both, never lost; restoring the archives gives the original jobs and
/// progress history back.
/// </summary>
public sealed class ArchiveKillTests : AbstractStoreTests
{
    [Theory]
    [InlineData("sqlite", 21)]
    [InlineData("postgresql", 22)]
    public async Task Archive_KilledAtRandomPoints_LosesAndDuplicatesNothing(string kind, int seed)
    {
        var store = await Stores.NewAsync(kind);
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 4000, Seed: seed));
        var before = JobsAndProgress(await TableChecksums.ComputeAsync(store, default));
        Assert.True(before[1].Rows > 0, "the seed made no progress history");
        var ids = await IdsAsync(store);
        var archives = Stores.NewDirectory();
        List<string> arguments = ["ops", "archive", "--older-than", "30d", "--batch", "10", "--to", archives, "--data-dir", store.DataDirectory];
        if (store.IsPostgres)
        {
            arguments.AddRange(["--db", store.PostgresConnectionString!]);
        }

        var random = new Random(seed);
        var kills = 0;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            // qplan needs ~0.5 s to start and a quiet machine archives 40-row batches in about 2 s, so the kills fall
            // between start-up and a few seconds in, at 10 rows a batch: some before the first batch, most inside one.
            if (await Qplan.RunAndKillAsync(arguments, TimeSpan.FromMilliseconds(random.Next(300, 1500))))
            {
                kills++;
            }
        }

        var final = await Qplan.RunAsync(arguments);
        Assert.True(final.ExitCode == 0, final.Stderr);
        Assert.True(kills >= 1, "no run was killed: the archive finished before every kill");

        var archived = new List<Guid>();
        foreach (var file in Directory.GetFiles(archives, "*" + Archives.Extension))
        {
            var verified = await Archives.VerifyAsync(file);
            var start = archived.Count;
            await foreach (var job in Archives.ReadJobsAsync(file))
            {
                archived.Add(job.Id);
            }

            Assert.Equal(verified.Manifest.Rows, archived.Count - start);
        }

        var remaining = await IdsAsync(store);
        Assert.Equal(archived.Count, archived.Distinct().Count());
        Assert.Empty(remaining.Intersect(archived));
        Assert.Equal(ids.Order(), remaining.Concat(archived).Order());

        foreach (var file in Directory.GetFiles(archives, "*" + Archives.Extension))
        {
            await Archives.RestoreAsync(file, store);
        }

        Assert.Equal(before, JobsAndProgress(await TableChecksums.ComputeAsync(store, default)));
    }

    private static TableStats[] JobsAndProgress(IReadOnlyList<TableStats> tables) => [tables.Single(t => t.Name == "optimization_jobs"), tables.Single(t => t.Name == "job_progress")];

    private static async Task<List<Guid>> IdsAsync(StoreLocation store)
    {
        await using var connection = await JobSeeder.OpenAsync(store);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM optimization_jobs";
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetValue(0) is Guid id ? id : Guid.Parse(reader.GetString(0)));
        }

        return ids;
    }
}
