using Npgsql;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Jobs;

[RequiresService(TestServices.Postgres)]
public sealed class PostgresJobStoreTests(PostgresFixture postgres) : JobStoreContractTests, IClassFixture<PostgresFixture>
{
    protected override Task<string> NewDatabaseAsync() => postgres.NewSchemaAsync();

    protected override IJobStore Open(string location, TimeProvider time) => StorageFactory.CreateJobStore(location, "unused-data-dir", time);

    protected override Backup.StoreLocation LocationOf(string location) => new(location, Path.Combine(Path.GetTempPath(), "qp-unused-data-dir"));

    protected override async Task<long> ProgressRowsAsync(string location)
    {
        await using var source = NpgsqlDataSource.Create(location);
        await using var command = source.CreateCommand("SELECT count(*) FROM job_progress");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [ServiceFact]
    public async Task Migrate_DatabaseMissing_CreatesItWithTheSchema()
    {
        var name = "quantum_planner_test_" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = new NpgsqlConnectionStringBuilder(TestServices.Require(TestServices.Postgres)) { Database = name }.ConnectionString;
        var store = StorageFactory.CreateJobStore(connectionString, "unused-data-dir");
        try
        {
            Assert.False(await store.MigrationsAppliedAsync());

            await store.MigrateAsync();

            Assert.True(await store.MigrationsAppliedAsync());
            Assert.True((await store.EnqueueAsync(NewJob("acme"))).Created);
        }
        finally
        {
            await store.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await using var admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString);
            await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>PostgreSQL behaviour that needs no server: an unreachable one.</summary>
public sealed class PostgresOfflineTests
{
    [Fact]
    public async Task Ping_ServerUnreachable_ReturnsFalseWithoutThrowing()
    {
        await using var store = StorageFactory.CreateJobStore("Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2", "unused-data-dir");

        Assert.False(await store.PingAsync());
        Assert.False(await store.MigrationsAppliedAsync());
    }
}
