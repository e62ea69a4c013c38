using System.Globalization;
using System.Text;
using Npgsql;
using QuantumPlanner.Storage.Postgres;

namespace QuantumPlanner.Storage.Operations;

/// <summary>
/// Operator queries on PostgreSQL. Every catalogue query is limited to the connection's current schema, so a store in
/// its own schema (search path) reports only its own tables. Its own non-multiplexed data source: VACUUM and
/// ALTER SYSTEM refuse to run inside a transaction block, and an ops command runs one statement at a time anyway.
/// </summary>
internal sealed class PostgresOperationsStore : IOperationsStore
{
    private const string HistoryColumns =
        "id, tenant_id, status, backend_requested, backend_used, worker_id, created_at, started_at, completed_at, error, " +
        "CASE WHEN jsonb_typeof(result -> 'gap') = 'number' THEN (result ->> 'gap')::float8 END";

    private readonly PostgresDatabase _database;
    private readonly TimeProvider _time;

    public PostgresOperationsStore(string connectionString, TimeProvider time)
    {
        _database = new PostgresDatabase(new NpgsqlConnectionStringBuilder(connectionString) { Multiplexing = false }.ConnectionString);
        _time = time;
    }

    public string Kind => "postgresql";

    private NpgsqlDataSource Source => _database.DataSource;

    public async Task<(bool Ok, string? Error)> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = Source.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return (true, null);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return (false, exception.Message);
        }
    }

    public Task<bool> MigrationsAppliedAsync(CancellationToken cancellationToken = default) =>
        PostgresMigrations.AppliedAsync(Source, cancellationToken);

    public Task<IReadOnlyList<JobHistoryRow>> JobHistoryAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        HistoryAsync($"SELECT {HistoryColumns} FROM optimization_jobs WHERE created_at >= $1 ORDER BY created_at, id", since, cancellationToken);

    public Task<IReadOnlyList<JobHistoryRow>> FailedJobsAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        HistoryAsync($"SELECT {HistoryColumns} FROM optimization_jobs WHERE status = 'failed' AND completed_at >= $1 ORDER BY completed_at DESC, id", since, cancellationToken);

    public async Task<IReadOnlyList<RelationSize>> RelationSizesAsync(CancellationToken cancellationToken = default)
    {
        const string sql = """
            SELECT c.relname, CASE c.relkind WHEN 'i' THEN 'index' ELSE 'table' END, t.relname,
                   CASE c.relkind WHEN 'i' THEN pg_relation_size(c.oid) ELSE pg_table_size(c.oid) END,
                   CASE c.relkind WHEN 'i' THEN NULL ELSE coalesce(s.n_live_tup, greatest(c.reltuples, 0)::bigint) END
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_index x ON x.indexrelid = c.oid
            LEFT JOIN pg_class t ON t.oid = x.indrelid
            LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i', 'p')
            ORDER BY 4 DESC, 1
            """;
        var sizes = new List<RelationSize>();
        await using var command = Source.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sizes.Add(new RelationSize(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetInt64(4)));
        }

        return sizes;
    }

    public async Task<DatabaseFootprint> FootprintAsync(CancellationToken cancellationToken = default)
    {
        await using var size = Source.CreateCommand("SELECT pg_database_size(current_database())");
        var bytes = (long)(await size.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        string? directory = null;
        try
        {
            // Superusers and pg_read_all_settings members only; the folder is only measurable when the server is local.
            await using var setting = Source.CreateCommand("SELECT current_setting('data_directory')");
            var path = (string?)await setting.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            directory = path is not null && Directory.Exists(path) ? path : null;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            directory = null;
        }

        return new DatabaseFootprint(bytes, directory);
    }

    public async Task<IReadOnlyList<string>> VacuumAsync(CancellationToken cancellationToken = default)
    {
        var before = await TableBytesAsync(cancellationToken).ConfigureAwait(false);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var vacuum = Source.CreateCommand("VACUUM (ANALYZE)"))
        {
            vacuum.CommandTimeout = 0;
            await vacuum.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var after = await TableBytesAsync(cancellationToken).ConfigureAwait(false);
        var lines = new List<string> { $"VACUUM ANALYZE of database {_database.DatabaseName}: {clock.ElapsedMilliseconds} ms" };
        foreach (var (table, bytesAfter) in after)
        {
            lines.Add($"{table}: {before.GetValueOrDefault(table, bytesAfter)} -> {bytesAfter} bytes");
        }

        return lines;
    }

    public async Task<IReadOnlyList<ColumnStatistics>> ColumnStatisticsAsync(CancellationToken cancellationToken = default)
    {
        const string sql = """
            SELECT attname, null_frac, n_distinct, correlation, most_common_vals::text
            FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'optimization_jobs' ORDER BY attname
            """;
        var rows = new List<ColumnStatistics>();
        await using var command = Source.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ColumnStatistics(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetFloat(1),
                reader.IsDBNull(2) ? null : reader.GetFloat(2),
                reader.IsDBNull(3) ? null : reader.GetFloat(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<IndexUsage>> RarelyUsedIndexesAsync(long maxScans, CancellationToken cancellationToken = default)
    {
        const string sql = """
            SELECT relname, indexrelname, idx_scan, pg_relation_size(indexrelid)
            FROM pg_stat_user_indexes WHERE schemaname = current_schema() AND idx_scan < $1
            ORDER BY idx_scan, pg_relation_size(indexrelid) DESC, indexrelname
            """;
        var rows = new List<IndexUsage>();
        await using var command = Source.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = maxScans });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new IndexUsage(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<TableScans>> SequentialScansAsync(long minScans, CancellationToken cancellationToken = default)
    {
        const string sql = """
            SELECT relname, seq_scan, coalesce(idx_scan, 0), n_live_tup
            FROM pg_stat_user_tables WHERE schemaname = current_schema() AND seq_scan > $1
            ORDER BY seq_scan DESC, relname
            """;
        var rows = new List<TableScans>();
        await using var command = Source.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = minScans });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new TableScans(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return rows;
    }

    public async Task<IReadOnlyList<StatementStatistics>> SlowStatementsAsync(int limit, CancellationToken cancellationToken = default)
    {
        var schema = await StatementsSchemaAsync(cancellationToken).ConfigureAwait(false);
        var sql = $"""
            SELECT query, calls, mean_exec_time, total_exec_time, rows
            FROM {Quote(schema)}.pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY mean_exec_time DESC LIMIT $1
            """;
        var rows = new List<StatementStatistics>();
        await using var command = Source.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new StatementStatistics(reader.IsDBNull(0) ? "<insufficient privilege>" : reader.GetString(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4)));
        }

        return rows;
    }

    public async Task<TimeSpan?> SlowLogThresholdAsync(CancellationToken cancellationToken = default)
    {
        // setting is in the unit column's unit (ms for this one); -1 means off.
        await using var command = Source.CreateCommand("SELECT setting::bigint FROM pg_settings WHERE name = 'log_min_duration_statement'");
        var milliseconds = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return milliseconds < 0 ? null : TimeSpan.FromMilliseconds(milliseconds);
    }

    public async Task SetSlowLogThresholdAsync(TimeSpan? threshold, CancellationToken cancellationToken = default)
    {
        // ALTER SYSTEM takes no parameters; the value is an integer we format ourselves.
        var value = threshold is { } t ? ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : "-1";
        await using (var alter = Source.CreateCommand($"ALTER SYSTEM SET log_min_duration_statement = {value}"))
        {
            await alter.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var reload = Source.CreateCommand("SELECT pg_reload_conf()");
        await reload.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> ExplainAsync(string statement, CancellationToken cancellationToken = default)
    {
        // Statements from pg_stat_statements carry $1.. parameter markers. Prepared with every parameter NULL under
        // force_generic_plan, EXPLAIN EXECUTE shows the plan PostgreSQL uses for any value (EXPLAIN (GENERIC_PLAN) is
        // the same, but only from PostgreSQL 16 on). One connection: PREPARE and SET are per session.
        var parameters = System.Text.RegularExpressions.Regex.Matches(statement, @"\$(\d+)").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
        var name = "qp_explain_" + Guid.NewGuid().ToString("N");
        var arguments = parameters == 0 ? string.Empty : "(" + string.Join(", ", Enumerable.Repeat("NULL", parameters)) + ")";
        var plan = new StringBuilder();
        await using var connection = await Source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // A transaction so SET LOCAL ends with it; rolled back, so nothing is kept.
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            await using (var prepare = new NpgsqlCommand($"SET LOCAL plan_cache_mode = force_generic_plan; PREPARE {name} AS {statement}", connection, transaction))
            {
                await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var explain = new NpgsqlCommand($"EXPLAIN EXECUTE {name}{arguments}", connection, transaction))
            await using (var reader = await explain.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    plan.AppendLine(reader.GetString(0));
                }
            }

            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }

        // PREPARE outlives the rollback, and the connection goes back to the pool.
        await using (var deallocate = new NpgsqlCommand($"DEALLOCATE {name}", connection))
        {
            await deallocate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return plan.ToString().TrimEnd();
    }

    public async Task<IReadOnlyList<string>> DropTempTablesAsync(bool dryRun, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await using (var list = Source.CreateCommand(@"SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'temp\_optimization\_%' ORDER BY tablename"))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        if (!dryRun)
        {
            foreach (var name in names)
            {
                await using var drop = Source.CreateCommand($"DROP TABLE IF EXISTS {Quote(name)}");
                await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return names;
    }

    public async Task<IReadOnlyList<Guid>> RequeueStaleLeasesAsync(TimeSpan staleAfter, bool dryRun, CancellationToken cancellationToken = default)
    {
        var sql = dryRun
            ? "SELECT id FROM optimization_jobs WHERE status = 'running' AND lease_expires_at < $1 ORDER BY id"
            : """
              UPDATE optimization_jobs SET status = 'queued', worker_id = NULL, lease_expires_at = NULL, started_at = NULL
              WHERE status = 'running' AND lease_expires_at < $1 RETURNING id
              """;
        var ids = new List<Guid>();
        await using var command = Source.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() - staleAfter });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetGuid(0));
        }

        ids.Sort();
        return ids;
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private async Task<IReadOnlyList<JobHistoryRow>> HistoryAsync(string sql, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var rows = new List<JobHistoryRow>();
        await using var command = Source.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new JobHistoryRow(
                reader.GetGuid(0),
                reader.GetString(1),
                JobStatusNames.Parse(reader.GetString(2)),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetDouble(10)));
        }

        return rows;
    }

    private async Task<Dictionary<string, long>> TableBytesAsync(CancellationToken cancellationToken)
    {
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var command = Source.CreateCommand("SELECT relname, pg_total_relation_size(relid) FROM pg_stat_user_tables WHERE schemaname = current_schema() ORDER BY relname");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            bytes[reader.GetString(0)] = reader.GetInt64(1);
        }

        return bytes;
    }

    /// <summary>The schema of the pg_stat_statements view, or how to enable it.</summary>
    private async Task<string> StatementsSchemaAsync(CancellationToken cancellationToken)
    {
        await using (var preload = Source.CreateCommand("SELECT current_setting('shared_preload_libraries')"))
        {
            var libraries = (string?)await preload.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? string.Empty;
            if (!libraries.Contains("pg_stat_statements", StringComparison.Ordinal))
            {
                throw new NotApplicableException(
                    "pg_stat_statements is not loaded on this server. Maybe add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf, " +
                    "restart PostgreSQL, then run CREATE EXTENSION pg_stat_statements; in database " + _database.DatabaseName + ".");
            }
        }

        await using var extension = Source.CreateCommand("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'");
        return (string?)await extension.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new NotApplicableException(
                $"pg_stat_statements is loaded but not created in database {_database.DatabaseName}. Maybe run CREATE EXTENSION pg_stat_statements; there (as a superuser).");
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
