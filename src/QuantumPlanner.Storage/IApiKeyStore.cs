namespace QuantumPlanner.Storage;

/// <summary>What is known about a key; never the key itself.</summary>
public sealed record ApiKeyInfo(string Id, string TenantId, bool Admin, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public bool Revoked => RevokedAt is not null;

    /// <summary>When the key stops working by itself; null: never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Last successful verification (services remember verified keys for 30 s, so this is that coarse).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }
}

/// <summary>The result of creating a key: <see cref="PlainKey"/> exists only here, print it once.</summary>
public readonly record struct CreatedApiKey(string PlainKey, ApiKeyInfo Info);

/// <summary>
/// API keys look like <c>qp_&lt;id&gt;_&lt;secret&gt;</c>; only the id, a per-key salt and SHA-256(salt || secret) are stored.
/// </summary>
public interface IApiKeyStore : IAsyncDisposable
{
    /// <summary>Applies missing schema migrations (the same ones as the job store).</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>A key that never expires.</summary>
    Task<CreatedApiKey> CreateAsync(string tenantId, bool admin, CancellationToken cancellationToken = default) =>
        CreateAsync(tenantId, admin, null, cancellationToken);

    /// <summary>A key that stops working at <paramref name="expiresAt"/> (null: never).</summary>
    Task<CreatedApiKey> CreateAsync(string tenantId, bool admin, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// The key's info when the key exists, matches, is not revoked and has not expired; null otherwise (also for
    /// malformed input). A successful verification records the key's last-used time.
    /// </summary>
    Task<ApiKeyInfo?> VerifyAsync(string plainKey, CancellationToken cancellationToken = default);

    /// <summary>All keys, revoked ones included, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes the key with this id (or a whole plain key); false when no such active key exists.</summary>
    Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>True when at least one active (not revoked) key exists.</summary>
    Task<bool> AnyAsync(CancellationToken cancellationToken = default);
}

/// <summary>What may be said about a presented key without the store: its id, for logs and audit (never the secret).</summary>
public static class ApiKeyId
{
    /// <summary>The id part of something shaped like a key; null when it is not shaped like one.</summary>
    public static string? Of(string? plainKey) => Internal.ApiKeyFormat.TryParse(plainKey, out var id, out _) ? id : null;
}
