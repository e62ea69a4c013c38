using System.Text.Json;
using QuantumPlanner.Storage.Backup;

namespace QuantumPlanner.Storage.Archive;

/// <summary>
/// The JSON file beside an archive (<c>NAME.manifest.json</c>). It is rewritten (atomically) after every verified batch
/// and before that batch's rows are deleted, so after a crash it says how much of the file is good
/// (<see cref="Bytes"/>) and which batch may still be in the database (<see cref="PendingFrom"/>).
/// </summary>
public sealed record ArchiveManifest
{
    /// <summary>Format 2 rows carry their job's progress history; format 1 (older archives) rows have none.</summary>
    public const string CurrentFormat = "qplan-archive/2";

    /// <summary>The formats this version reads: its own and every earlier one.</summary>
    public static readonly IReadOnlyList<string> ReadableFormats = ["qplan-archive/1", CurrentFormat];
    public const string Open = "open";
    public const string Complete = "complete";

    public string Format { get; init; } = CurrentFormat;

    public required string File { get; init; }

    /// <summary>"open" while a run appends to it (or was killed doing so), "complete" afterwards.</summary>
    public required string State { get; init; }

    public required string Store { get; init; }

    public required string Source { get; init; }

    /// <summary>Jobs created before this were selected.</summary>
    public required DateTimeOffset Cutoff { get; init; }

    public required IReadOnlyList<string> Statuses { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public long Rows { get; init; }

    /// <summary>Rows of <c>job_progress</c> the archived jobs carry (0 in format 1).</summary>
    public long ProgressRows { get; init; }

    /// <summary>Length of the verified part of the file; anything after it is an unfinished batch.</summary>
    public long Bytes { get; init; }

    /// <summary>SHA-256 of the first <see cref="Bytes"/> bytes.</summary>
    public string Sha256 { get; init; } = string.Empty;

    /// <summary>Sum of the rows' hashes (see ArchiveRows.Hash), order-free.</summary>
    public string ContentChecksum { get; init; } = "00000000000000000000000000000000";

    /// <summary>
    /// Offset from which the archived rows may still be in the store (the last batch; 0 while an upload to
    /// <see cref="UploadTo"/> is not verified yet); null once every archived row is deleted.
    /// </summary>
    public long? PendingFrom { get; init; }

    /// <summary>The s3:// prefix the archive must be uploaded to, and verified at, before any of its rows is deleted.</summary>
    public string? UploadTo { get; init; }

    public IReadOnlyDictionary<string, long> StatusCounts { get; init; } = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, long> TenantCounts { get; init; } = new Dictionary<string, long>();

    public DateTimeOffset? OldestCreatedAt { get; init; }

    public DateTimeOffset? NewestCreatedAt { get; init; }

    /// <summary>The s3:// URL the complete archive was uploaded to and verified at, if any.</summary>
    public string? UploadedTo { get; init; }

    public string ToolVersion { get; init; } = Backups.ToolVersion;

    public static string ManifestNameFor(string archiveFileName) => archiveFileName + BackupManifest.Suffix;

    public string ToJson() => JsonSerializer.Serialize(this, BackupManifest.Json);

    public static ArchiveManifest Parse(string json, string origin)
    {
        try
        {
            using (var document = JsonDocument.Parse(json))
            {
                var format = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("format", out var value) ? value.ToString() : null;
                if (format is null || !ReadableFormats.Contains(format, StringComparer.Ordinal))
                {
                    throw new DataSafetyException($"{origin}: the manifest format is '{format}', expected one of {string.Join(", ", ReadableFormats)}. Maybe it is a backup (qplan ops backup verify), another tool's file, or written by a newer qplan.");
                }
            }

            return JsonSerializer.Deserialize<ArchiveManifest>(json, BackupManifest.Json) ?? throw new DataSafetyException($"{origin}: the manifest is empty.");
        }
        catch (JsonException exception)
        {
            throw new DataSafetyException($"{origin}: the manifest is not a valid qplan archive manifest ({exception.Message}).", exception);
        }
    }
}
