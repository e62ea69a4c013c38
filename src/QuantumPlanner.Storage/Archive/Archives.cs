using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.Storage.Archive;

/// <summary>What <see cref="Archives.RunAsync"/> archives and where.</summary>
public sealed record ArchiveOptions
{
    public required StoreLocation Store { get; init; }

    /// <summary>Where the archive is written (and kept); with <see cref="Remote"/>, the complete file is uploaded from here.</summary>
    public required string Directory { get; init; }

    public string? Remote { get; init; }

    public required TimeSpan OlderThan { get; init; }

    public IReadOnlyList<JobStatus> Statuses { get; init; } = [JobStatus.Completed, JobStatus.Failed];

    public bool DryRun { get; init; }

    public int BatchSize { get; init; } = 5000;

    /// <summary>
    /// At most this many rows deleted per second, on average from the start (null: as fast as the store goes): the
    /// run pauses before a delete that would go faster, so a service on the same store keeps its CPU and I/O.
    /// </summary>
    public double? MaxRowsPerSecond { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public S3Settings? S3 { get; init; }

    /// <summary>
    /// Rows archived, verified and deleted so far, and how many matched at the start, after each batch. With an
    /// upload the rows are deleted only after it, so the count stays 0 until then.
    /// </summary>
    public IProgress<(long Done, long Total)>? Progress { get; init; }

    /// <summary>
    /// Called after each delete transaction with the rows it deleted (those of archives being finished first too),
    /// so a caller knows what was deleted even when the run then fails or is cancelled.
    /// </summary>
    public Action<long>? Deleted { get; init; }
}

/// <summary>One matching group for --dry-run and reports.</summary>
public sealed record ArchiveCount(string Status, long Rows, long PayloadBytes);

/// <summary>
/// What a run did: the archive it wrote (null when nothing matched or on --dry-run), rows deleted, archives of
/// interrupted runs it finished first, and (always) what matched before it started.
/// </summary>
public sealed record ArchiveRun(DateTimeOffset Cutoff, bool DryRun, IReadOnlyList<ArchiveCount> Matching, ArchiveManifest? Manifest, string? Path, string? RemoteUrl, long Deleted, IReadOnlyList<ResumedArchive> Resumed);

/// <summary>An archive an interrupted run left open, finished by this run: its rows, and those this run deleted (its pending batch, or all after an upload).</summary>
public sealed record ResumedArchive(string Path, long Rows, long ProgressRows, long Deleted);

public sealed record ArchiveVerified(ArchiveManifest Manifest, string Path, IReadOnlyList<string> Checks);

/// <summary>Jobs inserted and skipped (already present), and progress-history rows inserted.</summary>
public sealed record ArchiveRestored(ArchiveManifest Manifest, string Path, long Inserted, long Skipped, long ProgressInserted);

/// <summary>
/// The runbook's 90-day rule: finished jobs older than a cutoff are streamed to gzip-compressed JSON Lines, every
/// batch is read back and checked before its rows are deleted, and a manifest written between the two makes an
/// interrupted run resumable: the next run (or any later one) truncates the unverified tail, deletes the verified
/// batch that may still be in the database, and closes the archive. No row is deleted before it is in a verified
/// archive, and no row is archived twice.
/// </summary>
public static class Archives
{
    /// <summary>The settings key that names the archive a run is appending to (so a rerun finds it even with another --to).</summary>
    public const string OpenRunSetting = "archive.open";

    /// <summary>The settings key with the last purge: time, rows, file and a generation number that caches can watch.</summary>
    public const string LastPurgeSetting = "archive.last_purge";

    public const string Extension = ".jsonl.gz";

    public static async Task<ArchiveRun> RunAsync(ArchiveOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        var statuses = options.Statuses.Select(s => s.ToStorage()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var now = options.Time.GetUtcNow();
        var cutoff = now - options.OlderThan;
        await using var jobs = StorageFactory.CreateJobStore(options.Store.PostgresConnectionString, options.Store.DataDirectory, options.Time);
        await jobs.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await using var store = OpenStore(options.Store);

        var resumed = options.DryRun ? [] : await ResumeAsync(jobs, store, options, cancellationToken).ConfigureAwait(false);
        var matching = (await store.CountAsync(cutoff, statuses, cancellationToken).ConfigureAwait(false)).Select(c => new ArchiveCount(c.Status, c.Rows, c.PayloadBytes)).ToList();
        var total = matching.Sum(m => m.Rows);
        if (options.DryRun || total == 0)
        {
            return new ArchiveRun(cutoff, options.DryRun, matching, null, null, null, 0, resumed);
        }

        Directory.CreateDirectory(options.Directory);
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        var name = $"archive-{options.Store.Kind}-{stamp}{Extension}";
        var path = Path.Combine(Path.GetFullPath(options.Directory), name);
        var manifestPath = path + BackupManifest.Suffix;
        var manifest = new ArchiveManifest
        {
            File = name,
            State = ArchiveManifest.Open,
            Store = options.Store.Kind,
            Source = options.Store.DisplayName,
            Cutoff = cutoff,
            Statuses = statuses,
            StartedAt = now,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData([])),
            UploadTo = options.Remote,
        };
        await WriteManifestAsync(manifestPath, manifest, cancellationToken).ConfigureAwait(false);
        await jobs.SetSettingAsync(OpenRunSetting, JsonSerializer.Serialize(new { manifest = manifestPath }), cancellationToken).ConfigureAwait(false);

        using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var statusCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        var tenantCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        UInt128 content = 0;
        long deleted = 0;
        // With an upload nothing is deleted while writing: the rows go only after the uploaded copy is verified, so
        // every batch stays pending (from offset 0). Without one, three things overlap, in an order that keeps the
        // manifest's promise (only the batch at PendingFrom may be both in the file and in the store): the next batch
        // is read while this one is written and verified, and the previous batch's delete runs meanwhile too, but this
        // batch's manifest is written only after that delete finished, and this batch's delete starts only after its
        // manifest. Store calls run on the thread pool because SQLite's async methods complete synchronously.
        var uploadFirst = options.Remote is not null;
        var pace = new ArchivePace(options.MaxRowsPerSecond, options.Time);
        var next = Task.Run(() => store.NextBatchAsync(cutoff, statuses, null, options.BatchSize, cancellationToken), cancellationToken);
        Task<int>? deleting = null;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 16))
        {
            try
            {
                while (true)
                {
                    var batch = await next.ConfigureAwait(false);
                    if (batch.Count == 0)
                    {
                        break;
                    }

                    (DateTimeOffset, Guid) after = (batch[^1].Job.CreatedAt, batch[^1].Job.Id);
                    next = Task.Run(() => store.NextBatchAsync(cutoff, statuses, after, options.BatchSize, cancellationToken), cancellationToken);
                    var offset = file.Length;
                    var (written, sum) = await AppendBatchAsync(file, batch, cancellationToken).ConfigureAwait(false);
                    var (readIds, readSum, _) = await ReadMemberAsync(path, offset, path, parseRows: false, cancellationToken).ConfigureAwait(false);
                    if (readSum != sum || !readIds.SequenceEqual(batch.Select(j => j.Job.Id)))
                    {
                        throw new DataSafetyException($"{path}: the batch written at byte {offset} reads back differently ({readIds.Count} rows, expected {batch.Count}); nothing of it was deleted. Maybe the disk is failing.");
                    }

                    fileHash.AppendData(written);
                    content += sum;
                    long progressRows = 0;
                    foreach (var (job, progress) in batch)
                    {
                        Count(statusCounts, job.Status.ToStorage());
                        Count(tenantCounts, job.TenantId);
                        progressRows += progress.Count;
                    }

                    if (deleting is not null)
                    {
                        deleted += await deleting.ConfigureAwait(false);
                        options.Progress?.Report((deleted, total));
                    }

                    manifest = manifest with
                    {
                        Rows = manifest.Rows + batch.Count,
                        ProgressRows = manifest.ProgressRows + progressRows,
                        Bytes = file.Length,
                        Sha256 = Convert.ToHexStringLower(fileHash.GetCurrentHash()),
                        ContentChecksum = ArchiveRows.Format(content),
                        PendingFrom = uploadFirst ? 0 : offset,
                        StatusCounts = new Dictionary<string, long>(statusCounts),
                        TenantCounts = new Dictionary<string, long>(tenantCounts),
                        OldestCreatedAt = manifest.OldestCreatedAt ?? batch[0].Job.CreatedAt,
                        NewestCreatedAt = batch[^1].Job.CreatedAt,
                    };
                    await WriteManifestAsync(manifestPath, manifest, cancellationToken).ConfigureAwait(false);
                    if (!uploadFirst)
                    {
                        var ids = readIds;
                        await pace.WaitAsync(deleted, cancellationToken).ConfigureAwait(false);
                        deleting = Task.Run(() => DeletedAsync(store.DeleteAsync(ids, cancellationToken), options), cancellationToken);
                    }
                }

                if (deleting is not null)
                {
                    deleted += await deleting.ConfigureAwait(false);
                    options.Progress?.Report((deleted, total));
                }
            }
            finally
            {
                // Whatever failed, no store call may outlive the store it runs on.
                await Task.WhenAll(new Task?[] { next, deleting }.OfType<Task>().Select(t => t.ContinueWith(static _ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            }
        }

        string? remoteUrl = null;
        if (options.Remote is not null)
        {
            (manifest, remoteUrl) = await UploadAsync(path, manifest, options.Remote, options.S3, cancellationToken).ConfigureAwait(false);
            deleted = await DeleteArchivedAsync(store, path, 0, options, cancellationToken).ConfigureAwait(false);
        }

        manifest = manifest with { State = ArchiveManifest.Complete, PendingFrom = null, FinishedAt = options.Time.GetUtcNow() };
        await WriteManifestAsync(manifestPath, manifest, cancellationToken).ConfigureAwait(false);
        await jobs.SetSettingAsync(OpenRunSetting, """{"manifest":null}""", cancellationToken).ConfigureAwait(false);
        await RecordPurgeAsync(jobs, manifest.Rows, path, options.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return new ArchiveRun(cutoff, false, matching, manifest, path, remoteUrl, deleted, resumed);
    }

    /// <summary>
    /// Checks an archive: manifest present and ours, complete, the file's SHA-256, every row parses, the row count,
    /// progress-row count and content checksum equal the manifest and no job appears twice.
    /// </summary>
    public static async Task<ArchiveVerified> VerifyAsync(string path, CancellationToken cancellationToken = default)
    {
        var manifest = await ReadManifestAsync(path, cancellationToken).ConfigureAwait(false);
        if (manifest.State != ArchiveManifest.Complete)
        {
            throw new DataSafetyException($"{path}: the archive is still open (a run was interrupted). Maybe run 'qplan ops archive' again with the same store: it finishes the archive first.");
        }

        var checks = new List<string> { "manifest present, archive complete" };
        var length = new FileInfo(path).Length;
        if (length != manifest.Bytes)
        {
            throw new DataSafetyException(string.Create(CultureInfo.InvariantCulture, $"{path}: {length} bytes, the manifest says {manifest.Bytes}: the file is truncated or was changed."));
        }

        var sha = await FileHashes.Sha256Async(path, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(sha, manifest.Sha256, StringComparison.Ordinal))
        {
            throw new DataSafetyException($"{path}: SHA-256 is {sha}, the manifest says {manifest.Sha256}: the file is corrupted.");
        }

        checks.Add("size and SHA-256 equal the manifest");
        var (ids, sum, progressRows) = await ReadMemberAsync(path, 0, path, parseRows: true, cancellationToken).ConfigureAwait(false);
        if (ids.Count != manifest.Rows || ArchiveRows.Format(sum) != manifest.ContentChecksum)
        {
            throw new DataSafetyException(string.Create(CultureInfo.InvariantCulture, $"{path}: {ids.Count} rows with checksum {ArchiveRows.Format(sum)}, the manifest says {manifest.Rows} rows with {manifest.ContentChecksum}."));
        }

        if (progressRows != manifest.ProgressRows)
        {
            throw new DataSafetyException(string.Create(CultureInfo.InvariantCulture, $"{path}: {progressRows} progress-history rows, the manifest says {manifest.ProgressRows}."));
        }

        if (ids.Distinct().Count() != ids.Count)
        {
            throw new DataSafetyException($"{path}: a job appears more than once.");
        }

        checks.Add(string.Create(CultureInfo.InvariantCulture, $"{ids.Count} rows and {progressRows} progress-history rows parse; counts and content checksum equal the manifest; no duplicates"));
        return new ArchiveVerified(manifest, path, checks);
    }

    /// <summary>
    /// Verifies the archive, then inserts its jobs that are not in the store and their progress history
    /// (idempotent: present ids and progress rows are skipped).
    /// </summary>
    public static async Task<ArchiveRestored> RestoreAsync(string path, StoreLocation target, int batchSize = 2000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var verified = await VerifyAsync(path, cancellationToken).ConfigureAwait(false);
        await using (var jobs = StorageFactory.CreateJobStore(target.PostgresConnectionString, target.DataDirectory))
        {
            await jobs.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var store = OpenStore(target);
        long inserted = 0, total = 0, progress = 0;
        var batch = new List<ArchivedJob>(batchSize);
        async Task FlushAsync()
        {
            var (jobs, points) = await store.InsertMissingAsync(batch, cancellationToken).ConfigureAwait(false);
            inserted += jobs;
            progress += points;
            total += batch.Count;
            batch.Clear();
        }

        await foreach (var job in ReadArchivedAsync(path, cancellationToken).ConfigureAwait(false))
        {
            batch.Add(job);
            if (batch.Count == batchSize)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }

        await FlushAsync().ConfigureAwait(false);
        return new ArchiveRestored(verified.Manifest, path, inserted, total - inserted, progress);
    }

    /// <summary>Every job in an archive file, in file order.</summary>
    public static async IAsyncEnumerable<JobRecord> ReadJobsAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var archived in ReadArchivedAsync(path, cancellationToken).ConfigureAwait(false))
        {
            yield return archived.Job;
        }
    }

    /// <summary>Every job in an archive file with its progress history, in file order.</summary>
    internal static async IAsyncEnumerable<ArchivedJob> ReadArchivedAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            yield return ArchiveRows.Read(System.Text.Encoding.UTF8.GetBytes(line));
        }
    }

    internal static IArchiveStore OpenStore(StoreLocation store) =>
        store.IsPostgres ? new PostgresArchiveStore(store) : new SqliteArchiveStore(store);

    /// <summary>Finishes archives left open by an interrupted run: the one the store names, and any open one in the directory.</summary>
    private static async Task<IReadOnlyList<ResumedArchive>> ResumeAsync(IJobStore jobs, IArchiveStore store, ArchiveOptions options, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        if (await jobs.GetSettingAsync(OpenRunSetting, cancellationToken).ConfigureAwait(false) is { } setting)
        {
            using var document = JsonDocument.Parse(setting);
            if (document.RootElement.TryGetProperty("manifest", out var named) && named.ValueKind == JsonValueKind.String)
            {
                candidates.Add(named.GetString()!);
            }
        }

        if (Directory.Exists(options.Directory))
        {
            candidates.AddRange(Directory.GetFiles(options.Directory, "archive-*" + Extension + BackupManifest.Suffix).Select(Path.GetFullPath));
        }

        var resumed = new List<ResumedArchive>();
        foreach (var manifestPath in candidates.Distinct(StringComparer.Ordinal))
        {
            if (!File.Exists(manifestPath))
            {
                continue;
            }

            var manifest = ArchiveManifest.Parse(await File.ReadAllTextAsync(manifestPath, cancellationToken).ConfigureAwait(false), manifestPath);
            if (manifest.State != ArchiveManifest.Open || manifest.Store != options.Store.Kind || manifest.Source != options.Store.DisplayName)
            {
                continue;
            }

            var path = manifestPath[..^BackupManifest.Suffix.Length];
            await using (var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                if (file.Length < manifest.Bytes)
                {
                    throw new DataSafetyException(string.Create(CultureInfo.InvariantCulture, $"{path}: {file.Length} bytes, shorter than the {manifest.Bytes} its manifest verified; nothing was deleted. Maybe the file was truncated by hand: restore it from a copy."));
                }

                // The tail after the verified length is a batch that was being written: its rows are still in the store.
                file.SetLength(manifest.Bytes);
                file.Flush(flushToDisk: true);
            }

            var sha = await FileHashes.Sha256Async(path, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(sha, manifest.Sha256, StringComparison.Ordinal))
            {
                throw new DataSafetyException($"{path}: SHA-256 of the verified part is {sha}, its manifest says {manifest.Sha256}; nothing was deleted. Maybe the file was changed by hand.");
            }

            if (manifest.UploadTo is { } uploadTo && manifest.UploadedTo is null)
            {
                // The run stopped before its upload was verified, so every archived row is still in the store.
                (manifest, _) = await UploadAsync(path, manifest, uploadTo, options.S3, cancellationToken).ConfigureAwait(false);
            }

            long deleted = 0;
            if (manifest.PendingFrom is { } pending)
            {
                deleted = await DeleteArchivedAsync(store, path, pending, options, cancellationToken).ConfigureAwait(false);
            }

            manifest = manifest with { State = ArchiveManifest.Complete, PendingFrom = null, FinishedAt = options.Time.GetUtcNow() };
            await WriteManifestAsync(manifestPath, manifest, cancellationToken).ConfigureAwait(false);
            await jobs.SetSettingAsync(OpenRunSetting, """{"manifest":null}""", cancellationToken).ConfigureAwait(false);
            await RecordPurgeAsync(jobs, manifest.Rows, path, options.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (options.Remote is not null && manifest.UploadedTo is null)
            {
                await UploadAsync(path, manifest, options.Remote, options.S3, cancellationToken).ConfigureAwait(false);
            }

            resumed.Add(new ResumedArchive(path, manifest.Rows, manifest.ProgressRows, deleted));
        }

        return resumed;
    }

    /// <summary>
    /// Uploads the archive, verifies the uploaded object's checksum, and puts the manifest of the complete file beside
    /// it; the local manifest then names the upload. Throws <see cref="DataSafetyException"/> (nothing deleted) when
    /// the bucket cannot be written or the checksum differs.
    /// </summary>
    private static async Task<(ArchiveManifest Manifest, string Url)> UploadAsync(string path, ArchiveManifest manifest, string remote, S3Settings? s3, CancellationToken cancellationToken)
    {
        using var location = BackupLocations.Open(remote, s3);
        try
        {
            await location.PutVerifiedAsync(path, manifest.File, manifest.Sha256, cancellationToken).ConfigureAwait(false);
            var uploaded = manifest with { UploadedTo = location.Describe(manifest.File) };
            var remoteManifest = uploaded with { State = ArchiveManifest.Complete, PendingFrom = null, FinishedAt = uploaded.FinishedAt ?? DateTimeOffset.UtcNow };
            await location.PutTextAsync(ArchiveManifest.ManifestNameFor(manifest.File), remoteManifest.ToJson(), cancellationToken).ConfigureAwait(false);
            await WriteManifestAsync(path + BackupManifest.Suffix, uploaded, cancellationToken).ConfigureAwait(false);
            return (uploaded, uploaded.UploadedTo!);
        }
        catch (DataSafetyException exception)
        {
            throw new DataSafetyException(
                manifest.PendingFrom == 0
                    ? $"{exception.Message} Nothing was deleted: the archived jobs are all still in the store, and the verified archive {path} is kept; the next 'qplan ops archive' uploads it first and only then deletes them."
                    : $"{exception.Message} The archive {path} is complete and kept; upload it by hand or with the next run.",
                exception);
        }
    }

    /// <summary>Deletes the rows archived from <paramref name="offset"/> on, in batches; the number deleted.</summary>
    private static async Task<long> DeleteArchivedAsync(IArchiveStore store, string path, long offset, ArchiveOptions options, CancellationToken cancellationToken)
    {
        var (ids, _, _) = await ReadMemberAsync(path, offset, path, parseRows: false, cancellationToken).ConfigureAwait(false);
        var pace = new ArchivePace(options.MaxRowsPerSecond, options.Time);
        long deleted = 0, sent = 0;
        foreach (var chunk in ids.Chunk(options.BatchSize))
        {
            await pace.WaitAsync(sent, cancellationToken).ConfigureAwait(false);
            sent += chunk.Length;
            deleted += await DeletedAsync(store.DeleteAsync(chunk, cancellationToken), options).ConfigureAwait(false);
            options.Progress?.Report((deleted, ids.Count));
        }

        return deleted;
    }

    /// <summary>The delete's row count, told to <see cref="ArchiveOptions.Deleted"/> as soon as it committed.</summary>
    private static async Task<int> DeletedAsync(Task<int> delete, ArchiveOptions options)
    {
        var rows = await delete.ConfigureAwait(false);
        options.Deleted?.Invoke(rows);
        return rows;
    }

    private static async Task RecordPurgeAsync(IJobStore jobs, long rows, string path, DateTimeOffset at, CancellationToken cancellationToken)
    {
        long generation = 0;
        if (await jobs.GetSettingAsync(LastPurgeSetting, cancellationToken).ConfigureAwait(false) is { } previous)
        {
            using var document = JsonDocument.Parse(previous);
            if (document.RootElement.TryGetProperty("generation", out var value) && value.TryGetInt64(out var number))
            {
                generation = number;
            }
        }

        await jobs.SetSettingAsync(LastPurgeSetting, JsonSerializer.Serialize(new { at, rows, file = path, generation = generation + 1 }), cancellationToken).ConfigureAwait(false);
        await PurgeGeneration.BumpAsync(jobs, "archive.purge", cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ArchiveManifest> ReadManifestAsync(string path, CancellationToken cancellationToken)
    {
        var manifestPath = path + BackupManifest.Suffix;
        if (!File.Exists(path))
        {
            throw new DataSafetyException($"{path} does not exist.");
        }

        if (!File.Exists(manifestPath))
        {
            throw new DataSafetyException($"{path}: no manifest {Path.GetFileName(manifestPath)} beside it, so it cannot be checked. Maybe it is not a qplan archive.");
        }

        var manifest = ArchiveManifest.Parse(await File.ReadAllTextAsync(manifestPath, cancellationToken).ConfigureAwait(false), manifestPath);
        if (!string.Equals(manifest.File, Path.GetFileName(path), StringComparison.Ordinal))
        {
            throw new DataSafetyException($"{path}: its manifest describes {manifest.File}. Maybe files were renamed; rename them back.");
        }

        return manifest;
    }

    /// <summary>Appends one gzip member holding the batch and flushes it to disk; the bytes written and the rows' hash sum.</summary>
    private static async Task<(byte[] Written, UInt128 Sum)> AppendBatchAsync(FileStream file, List<ArchivedJob> batch, CancellationToken cancellationToken)
    {
        var lines = new ArrayBufferWriter<byte>(batch.Count * 512);
        UInt128 sum = 0;
        using (var writer = ArchiveRows.CreateWriter(lines))
        {
            foreach (var job in batch)
            {
                var start = lines.WrittenCount;
                ArchiveRows.Write(writer, job);
                sum += ArchiveRows.Hash(lines.WrittenSpan[start..]);
                lines.Write("\n"u8);
            }
        }

        using var compressed = new MemoryStream(lines.WrittenCount / 4);
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(lines.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }

        var bytes = compressed.ToArray();
        file.Seek(0, SeekOrigin.End);
        await file.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
        return (bytes, sum);
    }

    /// <summary>
    /// Reads the gzip members from <paramref name="offset"/> to the end: the ids in order and the rows' hash sum.
    /// With <paramref name="parseRows"/> every row must parse as a whole job, and its progress rows are counted;
    /// without, only its id is read (and the count is 0).
    /// </summary>
    private static async Task<(List<Guid> Ids, UInt128 Sum, long ProgressRows)> ReadMemberAsync(string path, long offset, string origin, bool parseRows, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        UInt128 sum = 0;
        long progressRows = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
            file.Seek(offset, SeekOrigin.Begin);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await ArchiveLines.ForEachAsync(
                gzip,
                line =>
                {
                    if (parseRows)
                    {
                        var (job, progress) = ArchiveRows.Read(line);
                        ids.Add(job.Id);
                        progressRows += progress.Count;
                    }
                    else
                    {
                        ids.Add(ArchiveRows.ReadId(line));
                    }

                    sum += ArchiveRows.Hash(line);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException or IOException)
        {
            throw new DataSafetyException($"{origin}: cannot be read as an archive ({exception.Message}); nothing was deleted.", exception);
        }

        return (ids, sum, progressRows);
    }

    private static Task WriteManifestAsync(string path, ArchiveManifest manifest, CancellationToken cancellationToken) =>
        FileHashes.WriteAtomicallyAsync(path, manifest.ToJson(), cancellationToken);

    private static void Count(Dictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
