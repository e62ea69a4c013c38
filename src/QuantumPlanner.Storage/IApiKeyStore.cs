namespace QuantumPlanner.Storage;

/// <summary>What is known about a key; never the key itself.</summary>
public sealed record ApiKeyInfo(string Id, string TenantId, bool Admin, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public bool Revoked => RevokedAt is not null;
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

    Task<CreatedApiKey> CreateAsync(string tenantId, bool admin, CancellationToken cancellationToken = default);

    /// <summary>The key's info when the key exists, matches and is not revoked; null otherwise (also for malformed input).</summary>
    Task<ApiKeyInfo?> VerifyAsync(string plainKey, CancellationToken cancellationToken = default);

    /// <summary>All keys, revoked ones included, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes the key with this id (or a whole plain key); false when no such active key exists.</summary>
    Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>True when at least one active (not revoked) key exists.</summary>
    Task<bool> AnyAsync(CancellationToken cancellationToken = default);
}
