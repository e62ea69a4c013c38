using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace QuantumPlanner.Storage.Caching;

/// <summary>
/// Canonical hashes of problems: SHA-256 over the JSON with object keys sorted (ordinal) and no whitespace,
/// so equal problems written with another key order or layout share a cache entry and a problem hash. A result key
/// is derived from the problem hash, so an intake canonicalises a problem once and the worker, which has the hash in
/// the job row, not at all.
/// </summary>
public static class CacheKey
{
    /// <summary>
    /// Prefix of every result key; bump the version when the result format or the key's inputs change. A key is
    /// <c>Prefix + tenant tag + ":" + hash</c>: the tag (see <see cref="TenantPattern"/>) lets a GDPR erasure find every
    /// entry of a tenant, also those the synchronous solve cached without a job row to derive them from.
    /// </summary>
    public const string Prefix = "qp:result:v4:";

    /// <summary>
    /// The cache key of a solve: tenant, problem, backend, time limit and seed. The tenant is part of it so that one
    /// tenant's entries never answer another's requests (whether a cached answer exists would tell them what others
    /// solved). Throws <see cref="JsonException"/> for malformed JSON.
    /// </summary>
    public static string For(string tenantId, string problemJson, string backend, int timeLimitSeconds, long seed) =>
        ForProblemHash(tenantId, ProblemHash(problemJson), backend, timeLimitSeconds, seed);

    /// <summary>The same key from the problem's <see cref="ProblemHash(string)"/>, so a caller that has the hash never canonicalises again.</summary>
    public static string ForProblemHash(string tenantId, string problemHash, string backend, int timeLimitSeconds, long seed)
    {
        ArgumentNullException.ThrowIfNull(tenantId);
        ArgumentNullException.ThrowIfNull(problemHash);
        ArgumentNullException.ThrowIfNull(backend);
        // Length-prefixed, so no tenant id can be made to read as another tenant's id plus part of the suffix.
        var text = string.Create(CultureInfo.InvariantCulture, $"{problemHash}\n{backend}\n{timeLimitSeconds}\n{seed}\n{tenantId.Length}:{tenantId}");
        return TenantPrefix(tenantId) + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The Redis SCAN pattern that matches every result key of one tenant (and no other tenant's).</summary>
    public static string TenantPattern(string tenantId) => TenantPrefix(tenantId) + "*";

    // 128 bits of SHA-256 of the id: fixed length (so no tenant's tag is a prefix of another's), and the id itself,
    // personal data, is not written into key names.
    private static string TenantPrefix(string tenantId) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenantId)).AsSpan(0, 16)) + ":";

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
