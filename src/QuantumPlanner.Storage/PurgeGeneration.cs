using System.Text.Json;

namespace QuantumPlanner.Storage;

/// <summary>
/// A counter in <c>settings</c> that every purge (archive) and erasure (GDPR) bumps. Processes that keep finished
/// jobs or results in memory read it now and then and drop those copies when it changes, so a purged or erased job
/// is not served from a cache after it left the store.
/// </summary>
public static class PurgeGeneration
{
    public const string Key = "cache.purge_generation";

    public static async Task<long> ReadAsync(IJobStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.GetSettingAsync(Key, cancellationToken).ConfigureAwait(false) is not { } json)
        {
            return 0;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("generation", out var value) && value.TryGetInt64(out var number) ? number : 0;
    }

    public static async Task<long> BumpAsync(IJobStore store, string reason, CancellationToken cancellationToken)
    {
        var next = await ReadAsync(store, cancellationToken).ConfigureAwait(false) + 1;
        await store.SetSettingAsync(Key, JsonSerializer.Serialize(new { generation = next, reason, at = DateTimeOffset.UtcNow }), cancellationToken).ConfigureAwait(false);
        return next;
    }
}
