using Npgsql;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Keys;

[RequiresService(TestServices.Postgres)]
public sealed class PostgresApiKeyStoreTests(PostgresFixture postgres) : ApiKeyStoreContractTests, IClassFixture<PostgresFixture>
{
    protected override Task<string> NewDatabaseAsync() => postgres.NewSchemaAsync();

    protected override IApiKeyStore Open(string location, TimeProvider time) => StorageFactory.CreateApiKeyStore(location, "unused-data-dir", time);

    protected override async Task<IReadOnlyList<object>> ReadApiKeyCellsAsync(string location)
    {
        var cells = new List<object>();
        await using var source = NpgsqlDataSource.Create(location);
        await using var command = source.CreateCommand("SELECT * FROM api_keys");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                cells.Add(reader.GetValue(i));
            }
        }

        return cells;
    }
}
