using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Audit;

[RequiresService(TestServices.Postgres)]
public sealed class PostgresAuditLogTests(PostgresFixture postgres) : AuditLogContractTests, IClassFixture<PostgresFixture>
{
    protected override Task<string> NewDatabaseAsync() => postgres.NewSchemaAsync();

    protected override IAuditLog Open(string location, TimeProvider time) => StorageFactory.CreateAuditLog(location, "unused-data-dir", time);
}
