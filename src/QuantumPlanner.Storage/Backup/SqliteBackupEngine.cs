using System.Diagnostics;
using System.IO.Compression;
using Microsoft.Data.Sqlite;

namespace QuantumPlanner.Storage.Backup;

/// <summary>
/// SQLite backups: SQLite's online backup API copies the live file page by page inside one read transaction, so
/// the copy is a consistent snapshot that includes committed WAL frames while the service keeps writing; the copy
/// is then gzip-compressed.
/// </summary>
internal static class SqliteBackupEngine
{
    public const string Extension = ".db.gz";

    public static async Task<(IReadOnlyList<TableStats> Tables, int? SchemaVersion)> CreateAsync(string livePath, string targetPath, CancellationToken cancellationToken)
    {
        var snapshot = targetPath + ".snapshot";
        try
        {
            await using (var source = await SqliteFiles.OpenReadOnlyAsync(livePath, cancellationToken).ConfigureAwait(false))
            await using (var copy = await SqliteFiles.OpenReadWriteAsync(snapshot, cancellationToken).ConfigureAwait(false))
            {
                source.BackupDatabase(copy);
            }

            IReadOnlyList<TableStats> tables;
            int? schemaVersion;
            await using (var copy = await SqliteFiles.OpenReadOnlyAsync(snapshot, cancellationToken).ConfigureAwait(false))
            {
                tables = await TableChecksums.ComputeSqliteAsync(copy, cancellationToken).ConfigureAwait(false);
                schemaVersion = await SqliteFiles.SchemaVersionAsync(copy, cancellationToken).ConfigureAwait(false);
            }

            await using (var input = File.OpenRead(snapshot))
            await using (var output = new FileStream(targetPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                await using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
                {
                    await input.CopyToAsync(gzip, cancellationToken).ConfigureAwait(false);
                }

                output.Flush(flushToDisk: true);
            }

            return (tables, schemaVersion);
        }
        finally
        {
            File.Delete(snapshot);
        }
    }

    /// <summary>Decompresses a backup to <paramref name="targetPath"/> and checks it; the time it took (the RTO).</summary>
    public static async Task<TimeSpan> ExpandAsync(string backupPath, string targetPath, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await using var input = File.OpenRead(backupPath);
            await using var gzip = new GZipStream(input, CompressionMode.Decompress);
            await using var output = new FileStream(targetPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            await gzip.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            output.Flush(flushToDisk: true);
        }
        catch (InvalidDataException exception)
        {
            throw new DataSafetyException($"{backupPath}: not a readable gzip file ({exception.Message}).", exception);
        }

        await using (var connection = await SqliteFiles.OpenReadOnlyAsync(targetPath, cancellationToken).ConfigureAwait(false))
        await using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check";
            try
            {
                var result = await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
                if (!string.Equals(result, "ok", StringComparison.Ordinal))
                {
                    throw new DataSafetyException($"{backupPath}: SQLite integrity_check says '{result}'.");
                }
            }
            catch (SqliteException exception)
            {
                throw new DataSafetyException($"{backupPath}: the expanded file is not a SQLite database ({exception.Message}).", exception);
            }
        }

        return clock.Elapsed;
    }

    /// <summary>Tables of the SQLite file, or none when it has no tables (an empty or new file).</summary>
    public static async Task<IReadOnlyList<TableStats>> TablesAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await SqliteFiles.OpenReadOnlyAsync(path, cancellationToken).ConfigureAwait(false);
        return await TableChecksums.ComputeSqliteAsync(connection, cancellationToken).ConfigureAwait(false);
    }
}
