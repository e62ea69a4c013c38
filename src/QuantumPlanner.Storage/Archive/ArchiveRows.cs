using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace QuantumPlanner.Storage.Archive;

/// <summary>One row of <c>job_progress</c>, carried in its job's archive row.</summary>
internal readonly record struct ProgressRow(long ClaimToken, long ElapsedMilliseconds, double Objective);

/// <summary>A job with its whole progress history (every attempt's, in primary-key order), as archived together.</summary>
internal sealed record ArchivedJob(JobRecord Job, IReadOnlyList<ProgressRow> Progress);

/// <summary>
/// One job as one JSON Lines row of an archive: the columns of optimization_jobs by their names, problem and result
/// as JSON strings (their exact stored text, which may span lines), timestamps as ISO 8601 UTC with microseconds,
/// then <c>progress</c>, the job's <c>job_progress</c> rows by their column names. Reading a row back gives the same
/// <see cref="ArchivedJob"/>, so a restored job and its history equal the archived ones column for column. Rows of
/// format 1 archives (before the history was archived) have no <c>progress</c> and read back with none.
/// </summary>
internal static class ArchiveRows
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(IBufferWriter<byte> output, ArchivedJob job)
    {
        using var writer = CreateWriter(output);
        Write(writer, job);
    }

    /// <summary>A writer for <see cref="Write(Utf8JsonWriter, ArchivedJob)"/>, reused across the rows of a batch.</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) => new(output, WriterOptions);

    /// <summary>Writes one row and flushes it; the writer is reset for the next row.</summary>
    public static void Write(Utf8JsonWriter writer, ArchivedJob archived)
    {
        var job = archived.Job;
        writer.WriteStartObject();
        writer.WriteString("id", job.Id);
        writer.WriteString("tenant_id", job.TenantId);
        writer.WriteString("status", job.Status.ToStorage());
        writer.WriteString("backend_requested", job.BackendRequested);
        WriteNullable(writer, "backend_used", job.BackendUsed);
        writer.WriteString("problem", job.ProblemJson);
        WriteNullable(writer, "result", job.ResultJson);

        writer.WriteString("problem_hash", job.ProblemHash);
        WriteNullable(writer, "idempotency_key", job.IdempotencyKey);
        writer.WriteNumber("attempts", job.Attempts);
        WriteNullable(writer, "worker_id", job.WorkerId);
        WriteTime(writer, "lease_expires_at", job.LeaseExpiresAt);
        WriteTime(writer, "created_at", job.CreatedAt);
        WriteTime(writer, "started_at", job.StartedAt);
        WriteTime(writer, "completed_at", job.CompletedAt);
        WriteNullable(writer, "error", job.Error);
        writer.WriteNumber("time_limit_seconds", job.TimeLimitSeconds);
        writer.WriteNumber("seed", job.Seed);
        if (job.ProgressObjective is { } objective)
        {
            writer.WriteNumber("progress_objective", objective);
        }
        else
        {
            writer.WriteNull("progress_objective");
        }

        writer.WriteNumber("claim_token", job.ClaimToken);
        writer.WriteStartArray("progress");
        foreach (var point in archived.Progress)
        {
            writer.WriteStartObject();
            writer.WriteNumber("claim_token", point.ClaimToken);
            writer.WriteNumber("elapsed_ms", point.ElapsedMilliseconds);
            writer.WriteNumber("objective", point.Objective);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        writer.Reset();
    }

    /// <summary>
    /// The id of one row without parsing the rest: every row starts with it. Verifying a batch just written needs only
    /// the ids (the rows to delete) and the rows' hashes (that the bytes read back are the bytes written).
    /// </summary>
    public static Guid ReadId(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("id"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
            {
                return reader.GetGuid();
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            throw new FormatException(exception.Message, exception);
        }

        throw new FormatException("a row does not start with its id");
    }

    /// <summary>Parses one row; <see cref="FormatException"/> when it is not an archived job.</summary>
    public static ArchivedJob Read(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            var row = document.RootElement;
            var job = new JobRecord(
                Id: row.GetProperty("id").GetGuid(),
                TenantId: row.GetProperty("tenant_id").GetString()!,
                Status: JobStatusNames.Parse(row.GetProperty("status").GetString()!),
                BackendRequested: row.GetProperty("backend_requested").GetString()!,
                BackendUsed: Text(row, "backend_used"),
                ProblemJson: row.GetProperty("problem").GetString()!,
                ResultJson: Text(row, "result"),
                ProblemHash: row.GetProperty("problem_hash").GetString()!,
                IdempotencyKey: Text(row, "idempotency_key"),
                Attempts: row.GetProperty("attempts").GetInt32(),
                WorkerId: Text(row, "worker_id"),
                LeaseExpiresAt: Time(row, "lease_expires_at"),
                CreatedAt: Time(row, "created_at") ?? throw new FormatException("created_at is null"),
                StartedAt: Time(row, "started_at"),
                CompletedAt: Time(row, "completed_at"),
                Error: Text(row, "error"),
                TimeLimitSeconds: row.GetProperty("time_limit_seconds").GetInt32(),
                Seed: row.GetProperty("seed").GetInt64(),
                ProgressObjective: row.GetProperty("progress_objective") is { ValueKind: JsonValueKind.Number } objective ? objective.GetDouble() : null)
            {
                ClaimToken = row.TryGetProperty("claim_token", out var token) ? token.GetInt64() : 0,
            };
            return new ArchivedJob(job, ReadProgress(row));
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException(exception.Message, exception);
        }
    }

    /// <summary>First 128 bits of the row's SHA-256; an archive's content checksum is their sum (order-free, like the table checksums).</summary>
    public static UInt128 Hash(ReadOnlySpan<byte> line)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(line, hash);
        return BinaryPrimitives.ReadUInt128BigEndian(hash);
    }

    public static string Format(UInt128 sum) => sum.ToString("x32", CultureInfo.InvariantCulture);

    public static UInt128 ParseSum(string text) => UInt128.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static IReadOnlyList<ProgressRow> ReadProgress(JsonElement row)
    {
        if (!row.TryGetProperty("progress", out var progress) || progress.GetArrayLength() == 0)
        {
            return [];
        }

        var points = new ProgressRow[progress.GetArrayLength()];
        var i = 0;
        foreach (var point in progress.EnumerateArray())
        {
            points[i++] = new ProgressRow(point.GetProperty("claim_token").GetInt64(), point.GetProperty("elapsed_ms").GetInt64(), point.GetProperty("objective").GetDouble());
        }

        return points;
    }

    private static string? Text(JsonElement row, string name) => row.GetProperty(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static DateTimeOffset? Time(JsonElement row, string name) =>
        row.GetProperty(name) is { ValueKind: JsonValueKind.String } value
            ? DateTimeOffset.ParseExact(value.GetString()!, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : null;
}
