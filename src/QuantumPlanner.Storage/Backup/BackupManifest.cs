using System.Text.Json;
using System.Text.Json.Serialization;

namespace QuantumPlanner.Storage.Backup;

/// <summary>
/// The JSON file beside every backup (<c>NAME.manifest.json</c>): what the backup holds and how to check it.
/// <see cref="Tables"/> are counted on the same snapshot the backup was taken from, so a restore must give them back exactly.
/// </summary>
public sealed record BackupManifest
{
    public const string CurrentFormat = "qplan-backup/1";
    public const string Suffix = ".manifest.json";

    public string Format { get; init; } = CurrentFormat;

    /// <summary>"postgresql" (a pg_dump custom-format file) or "sqlite" (a gzip-compressed database file).</summary>
    public required string Store { get; init; }

    /// <summary>The backup file's name, beside the manifest.</summary>
    public required string File { get; init; }

    public required long SizeBytes { get; init; }

    /// <summary>SHA-256 of the backup file as stored, lower-case hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Highest applied migration (schema_migrations) of the backed-up store.</summary>
    public int? SchemaVersion { get; init; }

    public required IReadOnlyList<TableStats> Tables { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>qplan's version, and pg_dump's for PostgreSQL.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>The database name or SQLite file the backup came from (never credentials).</summary>
    public required string Source { get; init; }

    public required string Compression { get; init; }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string ManifestNameFor(string backupFileName) => backupFileName + Suffix;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses a manifest; <see cref="DataSafetyException"/> naming <paramref name="origin"/> when it is not one of ours.</summary>
    public static BackupManifest Parse(string json, string origin)
    {
        string? format;
        BackupManifest? manifest;
        try
        {
            // The format first: a foreign manifest is reported as foreign, not as missing our fields.
            using (var document = JsonDocument.Parse(json))
            {
                format = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("format", out var value) ? value.ToString() : null;
            }

            if (!string.Equals(format, CurrentFormat, StringComparison.Ordinal))
            {
                throw new DataSafetyException($"{origin}: the manifest format is '{format}', expected '{CurrentFormat}'. Maybe it was written by another tool.");
            }

            manifest = JsonSerializer.Deserialize<BackupManifest>(json, Json);
        }
        catch (JsonException exception)
        {
            throw new DataSafetyException($"{origin}: the manifest is not a valid qplan manifest ({exception.Message}).", exception);
        }

        if (manifest is null)
        {
            throw new DataSafetyException($"{origin}: the manifest is empty.");
        }

        return manifest;
    }
}
