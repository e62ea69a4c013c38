using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Observability;

namespace QuantumPlanner.Service.Security;

/// <summary>
/// Per-key fixed-window rate limit on the API routes (per client address for unauthenticated requests), charging each
/// request its <see cref="RequestCost"/>. The windows live in Redis when <see cref="QuantumPlannerOptions.Redis"/> is
/// set, so replicas share one budget per key, and in this process otherwise (see <see cref="RedisRateWindows"/> for
/// what happens while Redis is down).
/// </summary>
internal static class RateLimiting
{
    public const string Policy = "per-key";

    public static IServiceCollection AddPerKeyRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton<IRateWindows>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<QuantumPlannerOptions>>().Value;
            return string.IsNullOrWhiteSpace(options.Redis)
                ? new LocalRateWindows(TimeProvider.System)
                : new RedisRateWindows(options.Redis, TimeProvider.System, provider.GetRequiredService<ServiceMetrics>(), provider.GetRequiredService<ILoggerFactory>().CreateLogger("QuantumPlanner.RateLimit"));
        });
        return services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(Policy, context =>
            {
                var client = context.User.FindFirstValue(ApiClaims.KeyId) is { } keyId
                    ? "key:" + keyId
                    : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
                var options = context.RequestServices.GetRequiredService<IOptions<QuantumPlannerOptions>>().Value;
                var cost = RequestCost.Of(context, options);
                var windows = context.RequestServices.GetRequiredService<IRateWindows>();

                // One small limiter per (client, cost); they all charge the client's one window in IRateWindows.
                return RateLimitPartition.Get((client, cost), key => new CostLimiter(
                    windows,
                    key.client,
                    key.cost,
                    Math.Max(1, options.RateLimitPermits),
                    TimeSpan.FromSeconds(Math.Max(1, options.RateLimitWindowSeconds))));
            });
            limiter.OnRejected = static async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests.",
                    detail: $"This key exceeded its rate limit (a read costs 1, a job submission more, a synchronous solve most). Maybe retry after {retryAfter} s, or ask for a higher QuantumPlanner:RateLimitPermits.",
                    type: "https://quantum-planner.dev/problems/429").ExecuteAsync(context.HttpContext).ConfigureAwait(false);
            };
        });
    }

    /// <summary>
    /// Charges <c>cost</c> units to one client's window per request. The synchronous attempt never decides (the
    /// window may be in Redis), so the middleware always takes the asynchronous path, which does.
    /// </summary>
    private sealed class CostLimiter(IRateWindows windows, string client, int cost, int limit, TimeSpan window) : RateLimiter
    {
        public override TimeSpan? IdleDuration => null;

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Undecided;

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            var decision = await windows.TakeAsync(client, cost, limit, window).ConfigureAwait(false);
            return decision.Allowed ? Lease.Granted : new Lease(false, decision.RetryAfter);
        }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease Undecided = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
