using Microsoft.Data.Sqlite;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Jobs;

public sealed class SqliteJobStoreTests : JobStoreContractTests
{
    private readonly TempDirectories _directories = new();

    protected override Task<string> NewDatabaseAsync() => Task.FromResult(_directories.New());

    protected override IJobStore Open(string location, TimeProvider time) => StorageFactory.CreateJobStore(null, location, time);

    protected override Backup.StoreLocation LocationOf(string location) => new(null, location);

    protected override async Task<long> ProgressRowsAsync(string location)
    {
        await using var connection = new SqliteConnection($"Data Source={StorageFactory.SqlitePath(location)};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM job_progress";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directories.Dispose();
    }

    [Fact]
    public async Task Factory_NoConnectionString_MakesJobsDbInTheDataDirectory()
    {
        var directory = _directories.New();
        await using var store = StorageFactory.CreateJobStore(null, directory);

        await store.MigrateAsync();

        Assert.True(File.Exists(Path.Combine(directory, "jobs.db")));
        Assert.Equal("sqlite", StorageFactory.KindOf(null));
    }
}
