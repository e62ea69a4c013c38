using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Security;

/// <summary>Claims carried by an authenticated request.</summary>
internal static class ApiClaims
{
    public const string Scheme = "ApiKey";
    public const string Tenant = "qp:tenant";
    public const string KeyId = "qp:key";
    public const string Admin = "qp:admin";
    public const string AdminPolicy = "admin";

    /// <summary>The tenant of a request; "default" when authentication is off.</summary>
    public static string TenantOf(ClaimsPrincipal user) => user.FindFirstValue(Tenant) ?? "default";

    public static bool IsAdmin(ClaimsPrincipal user) => user.HasClaim(Admin, "true");
}

/// <summary>
/// Verified keys, remembered for a short time under a hash of the key so that each request does not pay a database
/// round trip; a revoked key therefore stops working within <see cref="Ttl"/>.
/// </summary>
internal sealed class ApiKeyCache
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (ApiKeyInfo Info, long ExpiresAt)> entries = new(StringComparer.Ordinal);

    public bool TryGet(string digest, out ApiKeyInfo? info)
    {
        if (entries.TryGetValue(digest, out var entry) && entry.ExpiresAt > Environment.TickCount64)
        {
            info = entry.Info;
            return true;
        }

        info = null;
        return false;
    }

    public void Add(string digest, ApiKeyInfo info)
    {
        if (entries.Count >= MaxEntries)
        {
            entries.Clear();
        }

        entries[digest] = (info, Environment.TickCount64 + (long)Ttl.TotalMilliseconds);
    }

    public void Clear() => entries.Clear();

    public static string Digest(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

/// <summary>
/// What stops a client from making the key store do work with keys that are not keys: a refused key is remembered
/// for <see cref="ApiKeyCache.Ttl"/> (the same key again costs no lookup), and each client (remote address) may have
/// at most a budget of refused lookups per minute; beyond it, keys the process does not already know answer 429
/// without a lookup until the minute is over. Known good keys from that client keep working.
/// </summary>
internal sealed class KeyRefusals(TimeProvider time)
{
    private const int MaxEntries = 10_000;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, long> refusedKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long WindowStart, int Count)> clients = new(StringComparer.Ordinal);

    public bool IsRefusedKey(string digest) => refusedKeys.TryGetValue(digest, out var until) && until > time.GetTimestamp();

    /// <summary>Seconds until the client may have keys looked up again; 0 when it may now.</summary>
    public int ThrottledSeconds(string client, int budget)
    {
        if (!clients.TryGetValue(client, out var entry) || entry.Count < budget)
        {
            return 0;
        }

        var left = Window - time.GetElapsedTime(entry.WindowStart);
        return left <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(left.TotalSeconds);
    }

    public void Refused(string digest, string client)
    {
        if (refusedKeys.Count >= MaxEntries)
        {
            refusedKeys.Clear();
        }

        if (clients.Count >= MaxEntries)
        {
            clients.Clear();
        }

        var now = time.GetTimestamp();
        refusedKeys[digest] = now + (long)(ApiKeyCache.Ttl.TotalSeconds * time.TimestampFrequency);
        clients.AddOrUpdate(
            client,
            static (_, now) => (now, 1),
            (_, entry, now) => time.GetElapsedTime(entry.WindowStart, now) >= Window ? (now, 1) : (entry.WindowStart, entry.Count + 1),
            now);
    }
}

/// <summary>Authenticates <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c> against the key store.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IApiKeyStore keys,
    ApiKeyCache cache,
    KeyRefusals refusals,
    ServiceMetrics metrics,
    IOptions<QuantumPlannerOptions> options)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    private const string ThrottledItem = "qp:auth-throttled-seconds";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (options.Value.NoAuth)
        {
            // Keyless access only over loopback, whatever the server bound (a null address: the in-memory test server).
            var local = Context.Connection.LocalIpAddress;
            return local is null || System.Net.IPAddress.IsLoopback(local)
                ? Success("default", "none", admin: true)
                : AuthenticateResult.Fail("--no-auth serves loopback connections only.");
        }

        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        var digest = ApiKeyCache.Digest(key);
        if (!cache.TryGet(digest, out var info))
        {
            var client = Context.Connection.RemoteIpAddress?.ToString() ?? "local";
            if (refusals.IsRefusedKey(digest))
            {
                return Refuse("unknown", key, client);
            }

            if (refusals.ThrottledSeconds(client, options.Value.RefusedKeysPerClientPerMinute) is > 0 and var wait)
            {
                Context.Items[ThrottledItem] = wait;
                return Refuse("throttled", key, client);
            }

            info = await keys.VerifyAsync(key, Context.RequestAborted).ConfigureAwait(false);
            if (info is null)
            {
                refusals.Refused(digest, client);
                return Refuse("unknown", key, client);
            }

            cache.Add(digest, info);
        }

        return Success(info!.TenantId, info.Id, info.Admin);
    }

    private AuthenticateResult Refuse(string reason, string key, string client)
    {
        metrics.AuthFailures.WithLabels(reason).Inc();
        // The key id (the part before the secret) identifies the key without revealing it; anything not shaped like a
        // key is logged as such, never echoed.
        Log.KeyRefused(Logger, reason, ApiKeyId.Of(key) ?? "(not a key)", client);
        return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[ThrottledItem] is int wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(
                statusCode: 429,
                title: "Too many refused API keys.",
                detail: $"This client sent {options.Value.RefusedKeysPerClientPerMinute} unknown, revoked or expired keys within a minute (RefusedKeysPerClientPerMinute), so new keys are not looked up for {wait} s. Maybe check the key with 'qplan keys list'.",
                type: "https://quantum-planner.dev/problems/429").ExecuteAsync(Context);
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(
            statusCode: 401,
            title: "Authentication required.",
            detail: "Send an API key as 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'. Maybe create one with 'qplan keys create --tenant NAME'.",
            type: "https://quantum-planner.dev/problems/401").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Results.Problem(
            statusCode: 403,
            title: "Forbidden.",
            detail: "This route needs an admin key. Maybe create one with 'qplan keys create --tenant NAME --admin'.",
            type: "https://quantum-planner.dev/problems/403").ExecuteAsync(Context);

    internal static string? ReadKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var value = authorization["Bearer ".Length..].Trim();
            return value.Length > 0 ? value : null;
        }

        var header = request.Headers["X-Api-Key"].ToString().Trim();
        return header.Length > 0 ? header : null;
    }

    private AuthenticateResult Success(string tenant, string keyId, bool admin)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ApiClaims.Tenant, tenant), new Claim(ApiClaims.KeyId, keyId), new Claim(ApiClaims.Admin, admin ? "true" : "false")],
            ApiClaims.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiClaims.Scheme));
    }
}
