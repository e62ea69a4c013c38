using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;

namespace QuantumPlanner.Service.Security;

/// <summary>Per-key fixed-window rate limit on the API routes (per client address for unauthenticated requests).</summary>
internal static class RateLimiting
{
    public const string Policy = "per-key";

    public static IServiceCollection AddPerKeyRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, context =>
            {
                var partition = context.User.FindFirstValue(ApiClaims.KeyId) is { } keyId
                    ? "key:" + keyId
                    : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                var options = context.RequestServices.GetRequiredService<IOptions<QuantumPlannerOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, options.RateLimitPermits),
                    Window = TimeSpan.FromSeconds(Math.Max(1, options.RateLimitWindowSeconds)),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = static async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests.",
                    detail: $"This key exceeded its rate limit. Maybe retry after {retryAfter} s, or ask for a higher QuantumPlanner:RateLimitPermits.",
                    type: "https://quantum-planner.dev/problems/429").ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
        });
}
