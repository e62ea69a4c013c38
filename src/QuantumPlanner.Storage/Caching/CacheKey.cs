using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace QuantumPlanner.Storage;

/// <summary>
/// Canonical hashes of problems: SHA-256 over the JSON with object keys sorted (ordinal) and no whitespace,
/// so equal problems written with another key order or layout share a cache entry and a problem hash. A result key
/// is derived from the problem hash, so an intake canonicalises a problem once and the worker, which has the hash in
/// the job row, not at all.
/// </summary>
public static class CacheKey
{
    /// <summary>Prefix of every result key; bump the version when the result format or the key derivation changes.</summary>
    public const string Prefix = "qp:result:v2:";

    /// <summary>The cache key of a solve: problem, backend, time limit and seed. Throws <see cref="JsonException"/> for malformed JSON.</summary>
    public static string For(string problemJson, string backend, int timeLimitSeconds, long seed) =>
        ForProblemHash(ProblemHash(problemJson), backend, timeLimitSeconds, seed);

    /// <summary>The cache key of a solve of the problem whose <see cref="ProblemHash(string)"/> is <paramref name="problemHash"/>.</summary>
    public static string ForProblemHash(string problemHash, string backend, int timeLimitSeconds, long seed)
    {
        ArgumentNullException.ThrowIfNull(problemHash);
        ArgumentNullException.ThrowIfNull(backend);
        var text = string.Create(CultureInfo.InvariantCulture, $"{problemHash}\n{backend}\n{timeLimitSeconds}\n{seed}");
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>SHA-256 (lower-case hex) of the canonical problem JSON alone, stored as <c>problem_hash</c>.</summary>
    public static string ProblemHash(string problemJson)
    {
        ArgumentNullException.ThrowIfNull(problemJson);
        using var document = JsonDocument.Parse(problemJson);
        return ProblemHash(document.RootElement, problemJson.Length);
    }

    /// <summary>The same hash from an element of a document the caller parsed already (no second parse).</summary>
    public static string ProblemHash(JsonElement problem) => ProblemHash(problem, 1024);

    private static string ProblemHash(JsonElement problem, int sizeHint)
    {
        var buffer = new ArrayBufferWriter<byte>(sizeHint + 16);
        WriteCanonical(problem, buffer);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>The canonical form itself: sorted object keys, no whitespace, numbers and strings as written.</summary>
    public static string Canonicalize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length + 16);
        WriteCanonical(json, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCanonical(string json, IBufferWriter<byte> output)
    {
        using var document = JsonDocument.Parse(json);
        WriteCanonical(document.RootElement, output);
    }

    private static void WriteCanonical(JsonElement element, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false, SkipValidation = false });
        WriteElement(element, writer);
        writer.Flush();
    }

    private static void WriteElement(JsonElement element, Utf8JsonWriter writer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new List<JsonProperty>();
                foreach (var property in element.EnumerateObject())
                {
                    properties.Add(property);
                }

                properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                writer.WriteStartObject();
                foreach (var property in properties)
                {
                    writer.WritePropertyName(property.Name);
                    WriteElement(property.Value, writer);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteElement(item, writer);
                }

                writer.WriteEndArray();
                break;
            default:
                // Strings are re-escaped by the writer; numbers keep their text (1.0 and 1 stay distinct on purpose:
                // deciding numeric equality would need a big-decimal parse for no practical gain).
                element.WriteTo(writer);
                break;
        }
    }
}
