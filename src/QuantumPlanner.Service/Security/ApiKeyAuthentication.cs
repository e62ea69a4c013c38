using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;
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

/// <summary>Authenticates <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c> against the key store.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IApiKeyStore keys,
    ApiKeyCache cache,
    IOptions<QuantumPlannerOptions> options)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (options.Value.NoAuth)
        {
            return Success("default", "none", admin: true);
        }

        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        var digest = ApiKeyCache.Digest(key);
        if (!cache.TryGet(digest, out var info))
        {
            info = await keys.VerifyAsync(key, Context.RequestAborted).ConfigureAwait(false);
            if (info is null)
            {
                return AuthenticateResult.Fail("The API key is unknown or revoked.");
            }

            cache.Add(digest, info);
        }

        return Success(info!.TenantId, info.Id, info.Admin);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
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
