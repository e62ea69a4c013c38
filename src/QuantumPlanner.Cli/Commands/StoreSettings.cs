using System.ComponentModel;
using QuantumPlanner.Storage;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>Where the key and job stores live: the same flags and fallbacks as serve.</summary>
internal class StoreSettings : CommandSettings
{
    [CommandOption("--db <CONNECTION>")]
    [Description("PostgreSQL connection string (default: QP_DB, else SQLite in --data-dir).")]
    public string? Db { get; init; }

    [CommandOption("--data-dir <DIR>")]
    [Description("Folder of the SQLite store (default: <local data>/quantum-planner).")]
    public string? DataDir { get; init; }

    public string? Connection => string.IsNullOrWhiteSpace(Db) ? NullIfEmpty(Environment.GetEnvironmentVariable("QP_DB")) : Db;

    public string Directory => DataDirectory.Resolve(DataDir);

    public async Task<IApiKeyStore> OpenKeysAsync(CancellationToken cancellationToken)
    {
        EnsureDirectory();
        var keys = StorageFactory.CreateApiKeyStore(Connection, Directory);
        await keys.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return keys;
    }

    public async Task<IJobStore> OpenJobsAsync(CancellationToken cancellationToken)
    {
        EnsureDirectory();
        var jobs = StorageFactory.CreateJobStore(Connection, Directory);
        await jobs.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return jobs;
    }

    public async Task<IAuditLog> OpenAuditAsync(CancellationToken cancellationToken)
    {
        EnsureDirectory();
        var audit = StorageFactory.CreateAuditLog(Connection, Directory);
        await audit.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return audit;
    }

    private void EnsureDirectory()
    {
        if (Connection is null)
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
