using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Jobs;

public sealed class SqliteJobStoreTests : JobStoreContractTests
{
    private readonly TempDirectories _directories = new();

    protected override Task<string> NewDatabaseAsync() => Task.FromResult(_directories.New());

    protected override IJobStore Open(string location, TimeProvider time) => StorageFactory.CreateJobStore(null, location, time);

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
