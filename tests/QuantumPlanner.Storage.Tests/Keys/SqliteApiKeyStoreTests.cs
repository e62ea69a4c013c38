using Microsoft.Data.Sqlite;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Keys;

public sealed class SqliteApiKeyStoreTests : ApiKeyStoreContractTests
{
    private readonly TempDirectories _directories = new();

    protected override Task<string> NewDatabaseAsync() => Task.FromResult(_directories.New());

    protected override IApiKeyStore Open(string location, TimeProvider time) => StorageFactory.CreateApiKeyStore(null, location, time);

    protected override async Task<IReadOnlyList<object>> ReadApiKeyCellsAsync(string location)
    {
        var cells = new List<object>();
        await using var connection = new SqliteConnection($"Data Source={StorageFactory.SqlitePath(location)}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM api_keys";
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

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directories.Dispose();
    }
}
