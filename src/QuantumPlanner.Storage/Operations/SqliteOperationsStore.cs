using Microsoft.Data.Sqlite;
using QuantumPlanner.Storage.Internal;
using QuantumPlanner.Storage.Sqlite;

namespace QuantumPlanner.Storage.Operations;

/// <summary>
/// Operator queries on the SQLite file. SQLite keeps no scan or statement statistics and has no server log, so those
/// questions answer <see cref="NotApplicableException"/> with what to use instead.
/// </summary>
internal sealed class SqliteOperationsStore(SqliteDatabase database, TimeProvider time) : IOperationsStore
{
    private const string HistoryColumns =
        "id, tenant_id, status, backend_requested, backend_used, worker_id, created_at, started_at, completed_at, error, " +
        "CASE WHEN json_type(result, '$.gap') IN ('real', 'integer') THEN json_extract(result, '$.gap') END";

    private const string NoStatistics = "SQLite keeps no per-index or per-table scan statistics. Maybe 'qplan ops db stats' (ANALYZE's sqlite_stat1) or EXPLAIN QUERY PLAN of a query.";

    private const string NoStatementLog = "SQLite has no statement statistics or slow-query log: it runs inside the service process. Maybe 'qplan ops report performance' for solve and queue times.";

    public string Kind => "sqlite";

    public async Task<(bool Ok, string? Error)> PingAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(database.Path))
        {
            return (false, $"{database.Path} does not exist. Maybe 'qplan db migrate --data-dir {Path.GetDirectoryName(database.Path)}'.");
        }

        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return (true, null);
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            return (false, exception.Message);
        }
    }

    public Task<bool> MigrationsAppliedAsync(CancellationToken cancellationToken = default) =>
        SqliteMigrations.AppliedAsync(database, cancellationToken);

    public Task<IReadOnlyList<JobHistoryRow>> JobHistoryAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        HistoryAsync($"SELECT {HistoryColumns} FROM optimization_jobs WHERE created_at >= $since ORDER BY created_at, id", since, cancellationToken);

    public Task<IReadOnlyList<JobHistoryRow>> FailedJobsAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        HistoryAsync($"SELECT {HistoryColumns} FROM optimization_jobs WHERE status = 'failed' AND completed_at >= $since ORDER BY completed_at DESC, id", since, cancellationToken);

    public async Task<IReadOnlyList<RelationSize>> RelationSizesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var objects = new List<(string Name, string Type, string Table, long Root)>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name, type, tbl_name, rootpage FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                objects.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? 0 : reader.GetInt64(3)));
            }
        }

        var pages = await DbstatBytesAsync(connection, cancellationToken).ConfigureAwait(false);
        var source = "dbstat";
        if (pages.Count == 0 && objects.Count > 0)
        {
            // No dbstat in this build: count each b-tree's pages in the file, after moving committed WAL pages into it.
            await using (var checkpoint = connection.CreateCommand())
            {
                checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                await checkpoint.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var byRoot = SqlitePageWalk.BytesByRoot(database.Path, objects.Select(o => o.Root).Where(r => r > 0));
            pages = objects.Where(o => byRoot.ContainsKey(o.Root)).ToDictionary(o => o.Name, o => byRoot[o.Root], StringComparer.Ordinal);
            source = "page walk";
        }

        var sizes = new List<RelationSize>();
        foreach (var (name, type, table, _) in objects)
        {
            long? rows = null;
            if (type == "table")
            {
                await using var count = connection.CreateCommand();
                count.CommandText = $"SELECT count(*) FROM \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
                rows = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            sizes.Add(new RelationSize(name, type, type == "index" ? table : null, pages.GetValueOrDefault(name), rows) { SizeSource = source });
        }

        sizes.Sort((a, b) => b.Bytes != a.Bytes ? b.Bytes.CompareTo(a.Bytes) : string.CompareOrdinal(a.Name, b.Name));
        return sizes;
    }

    public Task<DatabaseFootprint> FootprintAsync(CancellationToken cancellationToken = default)
    {
        long bytes = 0;
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            var file = new FileInfo(database.Path + suffix);
            bytes += file.Exists ? file.Length : 0;
        }

        return Task.FromResult(new DatabaseFootprint(bytes, Path.GetDirectoryName(database.Path)));
    }

    public async Task<IReadOnlyList<string>> VacuumAsync(CancellationToken cancellationToken = default)
    {
        var lines = new List<string>();
        var before = (await FootprintAsync(cancellationToken).ConfigureAwait(false)).Bytes;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check";
            var result = (string?)await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (result != "ok")
            {
                throw new InvalidOperationException($"PRAGMA integrity_check of {database.Path} answered '{result}'; not vacuuming a damaged file. Maybe restore the last backup.");
            }

            lines.Add("PRAGMA integrity_check: ok");
        }

        foreach (var statement in new[] { "VACUUM", "ANALYZE", "PRAGMA optimize", "PRAGMA wal_checkpoint(TRUNCATE)" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statement;
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            lines.Add(statement + ": done");
        }

        var after = (await FootprintAsync(cancellationToken).ConfigureAwait(false)).Bytes;
        lines.Add($"{database.Path}: {before} -> {after} bytes");
        return lines;
    }

    public async Task<IReadOnlyList<ColumnStatistics>> ColumnStatisticsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'";
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            return [];
        }

        // sqlite_stat1.stat is "rows avg-rows-per-distinct-prefix...": the rows per distinct value of the index's first column.
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(idx, tbl), stat FROM sqlite_stat1 WHERE tbl = 'optimization_jobs' ORDER BY 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<ColumnStatistics>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var parts = reader.GetString(1).Split(' ');
            double? distinct = parts.Length > 1 && double.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var total)
                && double.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var perValue) && perValue > 0
                ? Math.Round(total / perValue)
                : null;
            rows.Add(new ColumnStatistics(reader.GetString(0), null, distinct, null, reader.GetString(1)));
        }

        return rows;
    }

    public Task<IReadOnlyList<IndexUsage>> RarelyUsedIndexesAsync(long maxScans, CancellationToken cancellationToken = default) =>
        throw new NotApplicableException(NoStatistics);

    public Task<IReadOnlyList<TableScans>> SequentialScansAsync(long minScans, CancellationToken cancellationToken = default) =>
        throw new NotApplicableException(NoStatistics);

    public Task<IReadOnlyList<StatementStatistics>> SlowStatementsAsync(int limit, CancellationToken cancellationToken = default) =>
        throw new NotApplicableException(NoStatementLog);

    public Task<TimeSpan?> SlowLogThresholdAsync(CancellationToken cancellationToken = default) =>
        throw new NotApplicableException(NoStatementLog);

    public Task SetSlowLogThresholdAsync(TimeSpan? threshold, CancellationToken cancellationToken = default) =>
        throw new NotApplicableException(NoStatementLog);

    public Task<string> ExplainAsync(string statement, CancellationToken cancellationToken = default) =>
        throw new NotApplicableException(NoStatementLog);

    public async Task<IReadOnlyList<string>> DropTempTablesAsync(bool dryRun, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'temp\\_optimization\\_%' ESCAPE '\\' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        if (!dryRun)
        {
            foreach (var name in names)
            {
                await using var drop = connection.CreateCommand();
                drop.CommandText = $"DROP TABLE IF EXISTS \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
                await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return names;
    }

    public async Task<IReadOnlyList<Guid>> RequeueStaleLeasesAsync(TimeSpan staleAfter, bool dryRun, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = dryRun
            ? "SELECT id FROM optimization_jobs WHERE status = 'running' AND lease_expires_at < $before"
            : "UPDATE optimization_jobs SET status = 'queued', worker_id = NULL, lease_expires_at = NULL, started_at = NULL WHERE status = 'running' AND lease_expires_at < $before RETURNING id";
        command.Parameters.AddWithValue("$before", Microseconds.SinceEpoch(time.GetUtcNow() - staleAfter));
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(Guid.Parse(reader.GetString(0)));
        }

        ids.Sort();
        return ids;
    }

    public ValueTask DisposeAsync() => database.DisposeAsync();

    private async Task<IReadOnlyList<JobHistoryRow>> HistoryAsync(string sql, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$since", Microseconds.SinceEpoch(since));
        var rows = new List<JobHistoryRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new JobHistoryRow(
                Guid.Parse(reader.GetString(0)),
                reader.GetString(1),
                JobStatusNames.Parse(reader.GetString(2)),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                Microseconds.ToTime(reader.GetInt64(6)),
                reader.IsDBNull(7) ? null : Microseconds.ToTime(reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : Microseconds.ToTime(reader.GetInt64(8)),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetDouble(10)));
        }

        return rows;
    }

    /// <summary>Bytes per table and index from the dbstat virtual table; empty when this SQLite build lacks it.</summary>
    private static async Task<Dictionary<string, long>> DbstatBytesAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT name, sum(pgsize) FROM dbstat GROUP BY name";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                bytes[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        catch (SqliteException)
        {
            // No SQLITE_ENABLE_DBSTAT_VTAB in this build: the caller counts pages itself (SqlitePageWalk).
        }

        return bytes;
    }
}
