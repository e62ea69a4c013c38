namespace QuantumPlanner.Storage.Tests.Audit;

public sealed class SqliteAuditLogTests : AuditLogContractTests
{
    private readonly Infrastructure.TempDirectories _directories = new();

    protected override Task<string> NewDatabaseAsync() => Task.FromResult(_directories.New());

    protected override IAuditLog Open(string location, TimeProvider time) => StorageFactory.CreateAuditLog(null, location, time);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directories.Dispose();
    }
}
