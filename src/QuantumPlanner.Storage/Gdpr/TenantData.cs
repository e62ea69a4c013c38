using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using QuantumPlanner.Storage.Archive;
using QuantumPlanner.Storage.Backup;
using QuantumPlanner.Storage.Caching;
using QuantumPlanner.Storage.Internal;
using QuantumPlanner.Storage.Postgres;
using QuantumPlanner.Storage.Retention;
using QuantumPlanner.Storage.Sqlite;
using StackExchange.Redis;

namespace QuantumPlanner.Storage.Gdpr;

public sealed record TenantExport(string Tenant, string Path, long Jobs, long ProgressRows, long Keys, long AuditEntries, string Sha256);

public sealed record TenantErasure(string Tenant, long Jobs, long Keys, long CacheKeysEvicted, IReadOnlyDictionary<string, long> KeptAggregates);

/// <summary>One check of <c>gdpr check</c>; <see cref="Passed"/> null when it could not run (e.g. no log given).</summary>
public sealed record GdprCheck(string Name, bool? Passed, string Detail);

/// <summary>
/// A tenant's personal data: export everything (jobs with problems, results and progress history, key metadata, audit entries) as one
/// gzip JSON Lines file, erase it (jobs, payloads, keys, cached results), and check the store against the policy.
/// </summary>
public static class TenantData
{
    /// <summary>Anonymous totals of erased jobs (status → count), kept for statistics; never a tenant id.</summary>
    public const string AggregatesSetting = "gdpr.erased_aggregates";

    /// <summary>SHA-256 of each erased tenant id with the time, so <c>gdpr check</c> can prove nothing of it is left.</summary>
    public const string ErasuresSetting = "gdpr.erasures";

    private const int ExportChunk = 500;

    public static async Task<TenantExport> ExportAsync(StoreLocation store, string tenant, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        long jobs = 0, progressRows = 0, keys = 0, audits = 0;
        var partial = path + ".part";
        await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        await using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        {
            var line = new ArrayBufferWriter<byte>(4096);
            async Task EmitAsync(Action<Utf8JsonWriter> body)
            {
                line.ResetWrittenCount();
                await using (var writer = new Utf8JsonWriter(line))
                {
                    writer.WriteStartObject();
                    body(writer);
                    writer.WriteEndObject();
                }

                line.Write("\n"u8);
                await gzip.WriteAsync(line.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }

            await EmitAsync(w =>
            {
                w.WriteString("type", "export");
                w.WriteString("tenant", tenant);
                w.WriteString("at", DateTimeOffset.UtcNow);
                w.WriteString("tool", Backups.ToolVersion);
            }).ConfigureAwait(false);

            await using var connection = await RetentionAudit.OpenAsync(store, cancellationToken).ConfigureAwait(false);
            // Each job as an archive row, progress history included; the history is read per chunk of jobs on the
            // archive store's own connection, since the job query's reader holds this one.
            await using (var archive = Archives.OpenStore(store))
            {
                var chunk = new List<JobRecord>(ExportChunk);
                async Task WriteChunkAsync()
                {
                    foreach (var job in await archive.WithProgressAsync(chunk, cancellationToken).ConfigureAwait(false))
                    {
                        var row = new ArrayBufferWriter<byte>(1024);
                        ArchiveRows.Write(row, job);
                        await EmitAsync(w =>
                        {
                            w.WriteString("type", "job");
                            w.WritePropertyName("job");
                            w.WriteRawValue(row.WrittenSpan);
                        }).ConfigureAwait(false);
                        jobs++;
                        progressRows += job.Progress.Count;
                    }

                    chunk.Clear();
                }

                await foreach (var job in TenantJobsAsync(connection, store, tenant, cancellationToken).ConfigureAwait(false))
                {
                    chunk.Add(job);
                    if (chunk.Count == ExportChunk)
                    {
                        await WriteChunkAsync().ConfigureAwait(false);
                    }
                }

                await WriteChunkAsync().ConfigureAwait(false);
            }

            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT id, admin, created_at, revoked_at, expires_at, last_used_at FROM api_keys WHERE tenant_id = @tenant ORDER BY created_at, id";
                AddText(command, "@tenant", tenant);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var id = reader.GetString(0);
                    var admin = store.IsPostgres ? reader.GetBoolean(1) : reader.GetInt64(1) != 0;
                    var created = Time(reader, 2, store)!.Value;
                    DateTimeOffset?[] times = [Time(reader, 3, store), Time(reader, 4, store), Time(reader, 5, store)];
                    await EmitAsync(w =>
                    {
                        w.WriteString("type", "api_key");
                        w.WriteString("id", id);
                        w.WriteBoolean("admin", admin);
                        w.WriteString("created_at", created);
                        string[] names = ["revoked_at", "expires_at", "last_used_at"];
                        for (var i = 0; i < names.Length; i++)
                        {
                            if (times[i] is { } time)
                            {
                                w.WriteString(names[i], time);
                            }
                            else
                            {
                                w.WriteNull(names[i]);
                            }
                        }
                    }).ConfigureAwait(false);
                    keys++;
                }
            }

            await using var audit = StorageFactory.CreateAuditLog(store.PostgresConnectionString, store.DataDirectory);
            foreach (var entry in await audit.ListAsync(new AuditQuery(TenantId: tenant, Limit: AuditQuery.MaxLimit), cancellationToken).ConfigureAwait(false))
            {
                await EmitAsync(w =>
                {
                    w.WriteString("type", "audit");
                    w.WriteNumber("id", entry.Id);
                    w.WriteString("at", entry.At);
                    w.WriteString("action", entry.Action);
                    w.WriteString("actor_key_id", entry.ActorKeyId);
                    w.WriteString("target", entry.Target);
                    w.WriteString("details", entry.DetailsJson);
                }).ConfigureAwait(false);
                audits++;
            }
        }

        File.Move(partial, path, overwrite: true);
        return new TenantExport(tenant, Path.GetFullPath(path), jobs, progressRows, keys, audits, await FileHashes.Sha256Async(path, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Deletes the tenant's jobs (problems and results with them) and API keys in one transaction, evicts every cached
    /// result of the tenant from Redis (when <paramref name="redis"/> is given: its jobs' and those the synchronous
    /// solve cached, found by the tenant tag in their keys), records anonymous totals and the erasure
    /// (by hash), and bumps <see cref="PurgeGeneration"/> so running services drop their in-process copies.
    /// </summary>
    public static async Task<TenantErasure> EraseAsync(StoreLocation store, string tenant, string? redis, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        await using (var migrations = StorageFactory.CreateJobStore(store.PostgresConnectionString, store.DataDirectory))
        {
            await migrations.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        var aggregates = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var connection = await RetentionAudit.OpenAsync(store, cancellationToken).ConfigureAwait(false))
        {
            await foreach (var job in TenantJobsAsync(connection, store, tenant, cancellationToken).ConfigureAwait(false))
            {
                var key = job.Status.ToStorage();
                aggregates[key] = aggregates.GetValueOrDefault(key) + 1;
            }
        }

        long jobs, keys;
        await using (var connection = await OpenWritableAsync(store, cancellationToken).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs = await ExecuteAsync(connection, transaction, "DELETE FROM optimization_jobs WHERE tenant_id = @tenant", tenant, cancellationToken).ConfigureAwait(false);
            keys = await ExecuteAsync(connection, transaction, "DELETE FROM api_keys WHERE tenant_id = @tenant", tenant, cancellationToken).ConfigureAwait(false);
            // The fair-claim round robin keeps one row per tenant: its id is personal data too.
            await ExecuteAsync(connection, transaction, "DELETE FROM tenant_turns WHERE tenant_id = @tenant", tenant, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        long evicted = 0;
        if (!string.IsNullOrWhiteSpace(redis))
        {
            try
            {
                await using var cache = await CacheMaintenance.ConnectAsync(redis).ConfigureAwait(false);
                evicted = await cache.EvictTenantAsync(tenant).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                throw new DataSafetyException($"The tenant's jobs and keys are erased, but Redis {redis} could not be reached to evict its cached results ({exception.Message}). Maybe run 'qplan ops gdpr erase' again when Redis is up, or flush the cache; entries expire with their TTL.", exception);
            }
        }

        await using var settings = StorageFactory.CreateJobStore(store.PostgresConnectionString, store.DataDirectory);
        var totals = await ReadCountsAsync(settings, AggregatesSetting, cancellationToken).ConfigureAwait(false);
        foreach (var (status, count) in aggregates)
        {
            totals[status] = totals.GetValueOrDefault(status) + count;
        }

        await settings.SetSettingAsync(AggregatesSetting, JsonSerializer.Serialize(totals), cancellationToken).ConfigureAwait(false);
        var erasures = await ReadErasuresAsync(settings, cancellationToken).ConfigureAwait(false);
        erasures.Add(new ErasureRecord(HashTenant(tenant), DateTimeOffset.UtcNow, jobs, keys));
        await settings.SetSettingAsync(ErasuresSetting, JsonSerializer.Serialize(erasures, BackupManifest.Json), cancellationToken).ConfigureAwait(false);
        await PurgeGeneration.BumpAsync(settings, "gdpr.erase", cancellationToken).ConfigureAwait(false);
        return new TenantErasure(tenant, jobs, keys, evicted, aggregates);
    }

    /// <summary>
    /// The runbook's gdpr_compliance_check: retention configured, a purge within <paramref name="maxPurgeAgeDays"/>,
    /// no finished job past the policy, every recorded erasure complete, and (given a log) no problem content in it.
    /// </summary>
    public static async Task<IReadOnlyList<GdprCheck>> CheckAsync(StoreLocation store, int policyDays, bool policyConfigured, int maxPurgeAgeDays, TextReader? log, string? logName, CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow;
        var checks = new List<GdprCheck>
        {
            new("retention configured", policyConfigured, policyConfigured
                ? string.Create(CultureInfo.InvariantCulture, $"{policyDays} days")
                : "no policy set, 90 days assumed. Maybe set QP_RETENTION_DAYS (deploy/k8s/configmap.yaml) or pass --retention-days."),
        };
        var report = await RetentionAudit.RunAsync(store, policyDays, now, cancellationToken).ConfigureAwait(false);
        checks.Add(report.LastPurge is { } purge
            ? new("last purge recent", (now - purge.At).TotalDays <= maxPurgeAgeDays, string.Create(CultureInfo.InvariantCulture, $"{purge.At.UtcDateTime:u} ({(now - purge.At).TotalDays:0.0} days ago, limit {maxPurgeAgeDays})"))
            : new("last purge recent", false, "no purge has run. Maybe schedule qplan ops archive (deploy/k8s/archive-cronjob.yaml)."));
        checks.Add(new("no payload older than policy", report.PastPolicy == 0, string.Create(CultureInfo.InvariantCulture, $"{report.PastPolicy} finished jobs older than {policyDays} days")));

        await using (var settings = StorageFactory.CreateJobStore(store.PostgresConnectionString, store.DataDirectory))
        {
            var erasures = await ReadErasuresAsync(settings, cancellationToken).ConfigureAwait(false);
            var erased = erasures.Select(e => e.TenantSha256).ToHashSet(StringComparer.Ordinal);
            var left = new List<string>();
            await using var connection = await RetentionAudit.OpenAsync(store, cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT tenant_id FROM optimization_jobs UNION SELECT tenant_id FROM api_keys";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (erased.Contains(HashTenant(reader.GetString(0))))
                {
                    left.Add(reader.GetString(0));
                }
            }

            checks.Add(new("erasures completed", left.Count == 0, left.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{erasures.Count} erasures, nothing left")
                : $"rows remain for erased tenants {string.Join(", ", left)}. Maybe run qplan ops gdpr erase --tenant T --confirm again."));
        }

        if (log is null)
        {
            checks.Add(new("no problem content in logs", null, "not checked. Maybe --log-file FILE, or --log-file - to read a pipe."));
        }
        else
        {
            var hits = new List<int>();
            var number = 0;
            while (await log.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                number++;
                if (ProblemContent.Any(marker => line.Contains(marker, StringComparison.Ordinal)))
                {
                    hits.Add(number);
                }
            }

            checks.Add(new("no problem content in logs", hits.Count == 0, hits.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{number} lines of {logName} scanned")
                : string.Create(CultureInfo.InvariantCulture, $"{hits.Count} lines of {logName} hold problem fields (lines {string.Join(", ", hits.Take(5))}{(hits.Count > 5 ? ", ..." : string.Empty)})")));
        }

        return checks;
    }

    public static string HashTenant(string tenant) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant)));

    // Field names only a planning problem has: a log line holding them carries a problem's content.
    private static readonly string[] ProblemContent = ["\"requiredSkills\"", "\"durationByAgent\"", "\"costByAgent\"", "\"preferredAgents\"", "\"tasks\":[", "\"agents\":["];

    private sealed record ErasureRecord(string TenantSha256, DateTimeOffset At, long Jobs, long Keys);

    private static async IAsyncEnumerable<JobRecord> TenantJobsAsync(DbConnection connection, StoreLocation store, string tenant, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {(store.IsPostgres ? PostgresJobStore.Columns : SqliteJobStore.Columns)} FROM optimization_jobs WHERE tenant_id = @tenant ORDER BY created_at, id";
        AddText(command, "@tenant", tenant);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return reader is NpgsqlDataReader pg ? PostgresJobStore.Read(pg) : SqliteJobStore.Read((Microsoft.Data.Sqlite.SqliteDataReader)reader);
        }
    }

    private static async Task<DbConnection> OpenWritableAsync(StoreLocation store, CancellationToken cancellationToken)
    {
        if (store.IsPostgres)
        {
            return await RetentionAudit.OpenAsync(store, cancellationToken).ConfigureAwait(false);
        }

        return await SqliteFiles.OpenReadWriteAsync(store.SqlitePath, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, string tenant, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        AddText(command, "@tenant", tenant);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddText(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static DateTimeOffset? Time(DbDataReader reader, int ordinal, StoreLocation store) =>
        reader.IsDBNull(ordinal) ? null : store.IsPostgres ? reader.GetFieldValue<DateTimeOffset>(ordinal) : Microseconds.ToTime(reader.GetInt64(ordinal));

    private static async Task<Dictionary<string, long>> ReadCountsAsync(IJobStore settings, string key, CancellationToken cancellationToken) =>
        await settings.GetSettingAsync(key, cancellationToken).ConfigureAwait(false) is { } json
            ? JsonSerializer.Deserialize<Dictionary<string, long>>(json) ?? []
            : [];

    private static async Task<List<ErasureRecord>> ReadErasuresAsync(IJobStore settings, CancellationToken cancellationToken) =>
        await settings.GetSettingAsync(ErasuresSetting, cancellationToken).ConfigureAwait(false) is { } json
            ? JsonSerializer.Deserialize<List<ErasureRecord>>(json, BackupManifest.Json) ?? []
            : [];
}
