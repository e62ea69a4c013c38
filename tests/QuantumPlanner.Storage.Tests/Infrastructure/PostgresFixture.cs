using Npgsql;

namespace QuantumPlanner.Storage.Tests.Infrastructure;

/// <summary>
/// One throw-away database per test class (quantum_planner_test_&lt;random&gt;), dropped afterwards; each test
/// gets its own schema in it (through the connection string's search path), so tests see an empty queue.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private string? _databaseName;

    public string? ConnectionString { get; private set; }

    public async Task InitializeAsync()
    {
        var baseConnection = Environment.GetEnvironmentVariable(TestServices.Postgres);
        if (string.IsNullOrWhiteSpace(baseConnection))
        {
            return; // The tests either skip or fail with TestServices.Require's message.
        }

        _databaseName = "quantum_planner_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = NpgsqlDataSource.Create(Admin(baseConnection)))
        await using (var command = admin.CreateCommand($"CREATE DATABASE \"{_databaseName}\""))
        {
            await command.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(baseConnection) { Database = _databaseName }.ConnectionString;
    }

    /// <summary>A connection string for a new, empty schema of this class's database.</summary>
    public async Task<string> NewSchemaAsync()
    {
        var connectionString = ConnectionString ?? throw new InvalidOperationException(
            $"{TestServices.Postgres} is not set, so there is no PostgreSQL for this test. Maybe run tests/run, or 'source tests/services/postgres.sh' first.");
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var source = NpgsqlDataSource.Create(connectionString))
        await using (var command = source.CreateCommand($"CREATE SCHEMA {schema}"))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_databaseName is null)
        {
            return;
        }

        await using var admin = NpgsqlDataSource.Create(Admin(Environment.GetEnvironmentVariable(TestServices.Postgres)!));
        await using var command = admin.CreateCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)");
        await command.ExecuteNonQueryAsync();
    }

    private static string Admin(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString;
}
