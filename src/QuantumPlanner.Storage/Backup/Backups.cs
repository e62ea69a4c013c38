using System.Globalization;
using System.Reflection;

namespace QuantumPlanner.Storage.Backup;

/// <summary>What <see cref="Backups.CreateAsync"/> needs.</summary>
public sealed record BackupCreateOptions
{
    public required StoreLocation Store { get; init; }

    /// <summary>Where the backup is written first (and kept; the copy that survives an unreachable bucket).</summary>
    public required string LocalDirectory { get; init; }

    /// <summary>An s3://BUCKET/PREFIX to upload to after the local copy is complete, or null.</summary>
    public string? Remote { get; init; }

    /// <summary>Backups older than this are deleted (locally and remotely), never the newest good one; null keeps all.</summary>
    public int? KeepDays { get; init; } = 7;

    public string? PgBin { get; init; }

    public S3Settings? S3 { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>A backup just made: its manifest, where it is, and what retention deleted.</summary>
public sealed record BackupCreated(BackupManifest Manifest, string LocalPath, string? RemoteUrl, IReadOnlyList<string> Deleted);

/// <summary>One backup in a location; <see cref="Problem"/> says why it is not good (null when it is).</summary>
public sealed record BackupEntry(string Name, string Url, BackupManifest? Manifest, string? Problem)
{
    public bool Good => Manifest is not null && Problem is null;
}

/// <summary>A backup that passed every check; <see cref="RestoreTime"/> is how long the scratch restore took.</summary>
public sealed record BackupVerified(BackupManifest Manifest, string Url, IReadOnlyList<string> Checks, TimeSpan RestoreTime);

/// <summary>A restore that was checked against the manifest.</summary>
public sealed record BackupRestored(BackupManifest Manifest, string Url, string Target, TimeSpan RestoreTime);

/// <summary>
/// Backups of the job store: create (pg_dump or SQLite's online backup, a manifest beside, optional upload to S3,
/// retention), list, verify (checksum, readability, restore into scratch, equal tables) and restore.
/// </summary>
public static class Backups
{
    /// <summary>qplan's version as manifests record it.</summary>
    public static string ToolVersion { get; } =
        "qplan " + (typeof(Backups).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0");

    public static async Task<BackupCreated> CreateAsync(BackupCreateOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = options.Store;
        var started = options.Time.GetUtcNow();
        Directory.CreateDirectory(options.LocalDirectory);
        var stamp = started.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var name = store.IsPostgres
            ? $"qplan-postgresql-{store.PostgresDatabaseName}-{stamp}{PostgresBackupEngine.Extension}"
            : $"qplan-sqlite-{stamp}{SqliteBackupEngine.Extension}";
        var path = Path.Combine(Path.GetFullPath(options.LocalDirectory), name);
        var partial = path + ".part";

        IReadOnlyList<TableStats> tables;
        int? schemaVersion;
        string tool = ToolVersion;
        string compression;
        try
        {
            if (store.IsPostgres)
            {
                var tools = PgTools.Find(options.PgBin);
                string client;
                (tables, schemaVersion, client) = await PostgresBackupEngine.CreateAsync(store, tools, partial, cancellationToken).ConfigureAwait(false);
                tool += ", " + client;
                compression = "pg_dump custom format (zlib)";
            }
            else
            {
                (tables, schemaVersion) = await SqliteBackupEngine.CreateAsync(store.SqlitePath, partial, cancellationToken).ConfigureAwait(false);
                compression = "gzip";
            }

            File.Move(partial, path);
        }
        finally
        {
            File.Delete(partial);
        }

        var manifest = new BackupManifest
        {
            Store = store.Kind,
            File = name,
            SizeBytes = new FileInfo(path).Length,
            Sha256 = await FileHashes.Sha256Async(path, cancellationToken).ConfigureAwait(false),
            SchemaVersion = schemaVersion,
            Tables = tables,
            StartedAt = started,
            FinishedAt = options.Time.GetUtcNow(),
            ToolVersion = tool,
            Source = store.DisplayName,
            Compression = compression,
        };
        using var local = new LocalDirectoryLocation(options.LocalDirectory);
        await local.PutTextAsync(BackupManifest.ManifestNameFor(name), manifest.ToJson(), cancellationToken).ConfigureAwait(false);

        var deleted = new List<string>();
        string? remoteUrl = null;
        if (options.Remote is not null)
        {
            using var remote = BackupLocations.Open(options.Remote, options.S3);
            try
            {
                await remote.PutVerifiedAsync(path, name, manifest.Sha256, cancellationToken).ConfigureAwait(false);
                await remote.PutTextAsync(BackupManifest.ManifestNameFor(name), manifest.ToJson(), cancellationToken).ConfigureAwait(false);
            }
            catch (DataSafetyException exception)
            {
                throw new DataSafetyException($"{exception.Message} The local copy {path} is kept; upload it again with 'qplan ops backup create' or by hand.", exception);
            }

            remoteUrl = remote.Describe(name);
            if (options.KeepDays is { } remoteDays)
            {
                deleted.AddRange(await ApplyRetentionAsync(remote, remoteDays, options.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false));
            }
        }

        if (options.KeepDays is { } days)
        {
            deleted.AddRange(await ApplyRetentionAsync(local, days, options.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false));
        }

        return new BackupCreated(manifest, path, remoteUrl, deleted);
    }

    /// <summary>Every backup (a manifest named qplan-*) in the location, newest first, each checked for a file of the recorded size.</summary>
    public static async Task<IReadOnlyList<BackupEntry>> ListAsync(IBackupLocation location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        var names = await location.ListAsync(cancellationToken).ConfigureAwait(false);
        var files = names.ToHashSet(StringComparer.Ordinal);
        var entries = new List<BackupEntry>();
        foreach (var manifestName in names.Where(n => n.StartsWith("qplan-", StringComparison.Ordinal) && n.EndsWith(BackupManifest.Suffix, StringComparison.Ordinal)))
        {
            var name = manifestName[..^BackupManifest.Suffix.Length];
            BackupManifest? manifest = null;
            string? problem = null;
            try
            {
                var text = await location.ReadTextAsync(manifestName, cancellationToken).ConfigureAwait(false) ?? string.Empty;
                manifest = BackupManifest.Parse(text, location.Describe(manifestName));
                if (!files.Contains(name))
                {
                    problem = "backup file missing";
                }
                else if (await location.SizeAsync(name, cancellationToken).ConfigureAwait(false) is { } size && size != manifest.SizeBytes)
                {
                    problem = string.Create(CultureInfo.InvariantCulture, $"size {size} bytes, manifest says {manifest.SizeBytes}");
                }
            }
            catch (DataSafetyException exception)
            {
                problem = exception.Message;
            }

            entries.Add(new BackupEntry(name, location.Describe(name), manifest, problem));
        }

        return [.. entries.OrderByDescending(e => e.Manifest?.FinishedAt ?? DateTimeOffset.MinValue).ThenByDescending(e => e.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Deletes good backups that finished more than <paramref name="keepDays"/> days before <paramref name="now"/>,
    /// except the newest good one; broken or foreign entries are left for a person to look at. The deleted URLs.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ApplyRetentionAsync(IBackupLocation location, int keepDays, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentOutOfRangeException.ThrowIfNegative(keepDays);
        var entries = await ListAsync(location, cancellationToken).ConfigureAwait(false);
        var newestGood = entries.FirstOrDefault(e => e.Good);
        var cutoff = now - TimeSpan.FromDays(keepDays);
        var deleted = new List<string>();
        foreach (var entry in entries)
        {
            if (!entry.Good || ReferenceEquals(entry, newestGood) || entry.Manifest!.FinishedAt >= cutoff)
            {
                continue;
            }

            await location.DeleteAsync(entry.Name, cancellationToken).ConfigureAwait(false);
            await location.DeleteAsync(BackupManifest.ManifestNameFor(entry.Name), cancellationToken).ConfigureAwait(false);
            deleted.Add(entry.Url);
        }

        return deleted;
    }

    /// <summary>
    /// Checks a backup (a file path or s3:// URL): manifest present and ours, size and SHA-256 equal, readable
    /// (pg_restore --list or gzip + integrity_check), and a restore into scratch has the manifest's tables.
    /// PostgreSQL backups are restored into a scratch database on <paramref name="scratchServer"/>, dropped afterwards.
    /// </summary>
    public static async Task<BackupVerified> VerifyAsync(string fileOrUrl, StoreLocation? scratchServer, string? pgBin = null, S3Settings? s3 = null, CancellationToken cancellationToken = default)
    {
        var scratch = ScratchDirectory();
        try
        {
            var (manifest, path, url, checks) = await FetchCheckedAsync(fileOrUrl, scratch, s3, cancellationToken).ConfigureAwait(false);
            TimeSpan restoreTime;
            IReadOnlyList<TableStats> restored;
            if (manifest.Store == "postgresql")
            {
                if (scratchServer is not { IsPostgres: true })
                {
                    throw new ArgumentException($"{url} is a PostgreSQL backup; verifying restores it into a scratch database. Maybe pass --db with a server where qplan may create databases.");
                }

                var tools = PgTools.Find(pgBin);
                await PostgresBackupEngine.ListAsync(tools, path, cancellationToken).ConfigureAwait(false);
                checks.Add("pg_restore --list reads it");
                var database = "qplan_verify_" + Guid.NewGuid().ToString("N")[..12];
                var target = scratchServer with { PostgresConnectionString = scratchServer.PostgresPlain(database) };
                await PostgresBackupEngine.CreateDatabaseIfMissingAsync(scratchServer, database, cancellationToken).ConfigureAwait(false);
                try
                {
                    restoreTime = await PostgresBackupEngine.RestoreAsync(tools, path, target, clean: false, cancellationToken).ConfigureAwait(false);
                    restored = await TableChecksums.ComputeAsync(target, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await PostgresBackupEngine.DropDatabaseAsync(scratchServer, database, CancellationToken.None).ConfigureAwait(false);
                }

                checks.Add($"restored into scratch database {database} (dropped)");
            }
            else
            {
                var expanded = Path.Combine(scratch, StorageFactory.SqliteFileName);
                restoreTime = await SqliteBackupEngine.ExpandAsync(path, expanded, cancellationToken).ConfigureAwait(false);
                checks.Add("gzip expands; SQLite integrity_check ok");
                restored = await SqliteBackupEngine.TablesAsync(expanded, cancellationToken).ConfigureAwait(false);
            }

            CompareTables(url, manifest.Tables, restored);
            checks.Add(string.Create(CultureInfo.InvariantCulture, $"{manifest.Tables.Count} tables, {manifest.Tables.Sum(t => t.Rows)} rows: counts and checksums equal"));
            return new BackupVerified(manifest, url, checks, restoreTime);
        }
        finally
        {
            DeleteScratch(scratch);
        }
    }

    /// <summary>
    /// Restores a backup into <paramref name="target"/> after checking its SHA-256. Refuses a target that already holds
    /// tables unless <paramref name="force"/>; afterwards the target's tables must equal the manifest's.
    /// </summary>
    public static async Task<BackupRestored> RestoreAsync(string fileOrUrl, StoreLocation target, bool force, string? pgBin = null, S3Settings? s3 = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var scratch = ScratchDirectory();
        try
        {
            var (manifest, path, url, _) = await FetchCheckedAsync(fileOrUrl, scratch, s3, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(manifest.Store, target.Kind, StringComparison.Ordinal))
            {
                throw new ArgumentException($"{url} is a {manifest.Store} backup but the target is {target.Kind} ({target.DisplayName}). Maybe pass {(manifest.Store == "postgresql" ? "--db CONN" : "--data-dir DIR without --db")}.");
            }

            TimeSpan restoreTime;
            if (target.IsPostgres)
            {
                var tools = PgTools.Find(pgBin);
                await PostgresBackupEngine.CreateDatabaseIfMissingAsync(target, target.PostgresDatabaseName, cancellationToken).ConfigureAwait(false);
                var (tables, jobs) = await PostgresBackupEngine.ContentsAsync(target, cancellationToken).ConfigureAwait(false);
                if (tables > 0 && !force)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"The database {target.PostgresDatabaseName} is not empty ({tables} tables, {jobs} jobs); restore refuses to overwrite it. Maybe restore into a new database (staging), or pass --force to replace its contents."));
                }

                restoreTime = await PostgresBackupEngine.RestoreAsync(tools, path, target, clean: tables > 0, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                restoreTime = await RestoreSqliteAsync(path, target, force, cancellationToken).ConfigureAwait(false);
            }

            CompareTables(target.DisplayName, manifest.Tables, await TableChecksums.ComputeAsync(target, cancellationToken).ConfigureAwait(false));
            return new BackupRestored(manifest, url, target.DisplayName, restoreTime);
        }
        finally
        {
            DeleteScratch(scratch);
        }
    }

    private static async Task<TimeSpan> RestoreSqliteAsync(string path, StoreLocation target, bool force, CancellationToken cancellationToken)
    {
        var live = target.SqlitePath;
        if (File.Exists(live) && new FileInfo(live).Length > 0)
        {
            var tables = await SqliteBackupEngine.TablesAsync(live, cancellationToken).ConfigureAwait(false);
            if (tables.Count > 0 && !force)
            {
                var jobs = tables.FirstOrDefault(t => t.Name == "optimization_jobs")?.Rows ?? 0;
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{live} is not empty ({tables.Count} tables, {jobs} jobs); restore refuses to overwrite it. Maybe restore into another --data-dir, or stop the service and pass --force to replace it."));
            }
        }

        Directory.CreateDirectory(target.DataDirectory);
        var incoming = live + ".restore";
        try
        {
            var elapsed = await SqliteBackupEngine.ExpandAsync(path, incoming, cancellationToken).ConfigureAwait(false);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            // The old WAL belongs to the old file: left beside the new one, SQLite would replay it into it.
            File.Delete(live + "-wal");
            File.Delete(live + "-shm");
            File.Move(incoming, live, overwrite: true);
            return elapsed;
        }
        finally
        {
            File.Delete(incoming);
        }
    }

    private static async Task<(BackupManifest Manifest, string Path, string Url, List<string> Checks)> FetchCheckedAsync(
        string fileOrUrl, string scratch, S3Settings? s3, CancellationToken cancellationToken)
    {
        var (location, name) = BackupLocations.OpenEntry(fileOrUrl, s3);
        using (location)
        {
            var url = location.Describe(name);
            if (name.EndsWith(BackupManifest.Suffix, StringComparison.Ordinal))
            {
                name = name[..^BackupManifest.Suffix.Length];
                url = location.Describe(name);
            }

            var manifestName = BackupManifest.ManifestNameFor(name);
            var text = await location.ReadTextAsync(manifestName, cancellationToken).ConfigureAwait(false)
                ?? throw new DataSafetyException($"{url}: no manifest {manifestName} beside it, so it cannot be checked. Maybe it is not a qplan backup, or the manifest was not copied with it.");
            var manifest = BackupManifest.Parse(text, location.Describe(manifestName));
            if (!string.Equals(manifest.File, name, StringComparison.Ordinal))
            {
                throw new DataSafetyException($"{url}: its manifest describes {manifest.File}. Maybe files were renamed; rename them back.");
            }

            var path = await location.FetchAsync(name, scratch, cancellationToken).ConfigureAwait(false);
            var size = new FileInfo(path).Length;
            if (size != manifest.SizeBytes)
            {
                throw new DataSafetyException(string.Create(CultureInfo.InvariantCulture, $"{url}: {size} bytes, the manifest says {manifest.SizeBytes}: the file is truncated or was changed."));
            }

            var sha = await FileHashes.Sha256Async(path, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(sha, manifest.Sha256, StringComparison.Ordinal))
            {
                throw new DataSafetyException($"{url}: SHA-256 is {sha}, the manifest says {manifest.Sha256}: the file is corrupted.");
            }

            return (manifest, path, url, ["manifest present", "size and SHA-256 equal the manifest"]);
        }
    }

    private static void CompareTables(string what, IReadOnlyList<TableStats> expected, IReadOnlyList<TableStats> actual)
    {
        var differences = TableChecksums.Differences(expected, actual);
        if (differences.Count > 0)
        {
            throw new DataSafetyException($"{what}: the restored tables differ from the manifest: {string.Join("; ", differences)}.");
        }
    }

    private static string ScratchDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "qplan-scratch-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static void DeleteScratch(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
