using QuantumPlanner.Service.Configuration;

namespace QuantumPlanner.Service.Security;

/// <summary>
/// What a request costs the rate limiter, by route class: a read 1, another write 2, a job submission
/// <see cref="QuantumPlannerOptions.RateLimitJobCost"/>, and a synchronous solve 1 plus
/// <see cref="QuantumPlannerOptions.RateLimitSolveSecondCost"/> per second it may hold a CPU
/// (<see cref="QuantumPlannerOptions.SyncMaxTimeLimitSeconds"/>, the cap every such route enforces), so a 10 s solve
/// costs about a hundred reads. The cost is known before the body is read, which the limiter runs ahead of.
/// </summary>
internal static class RequestCost
{
    // Endpoint names (WithName) of the routes that solve inside the request.
    private static readonly HashSet<string> SolveRoutes = new(StringComparer.Ordinal) { "SolveNow", "SolveQubo", "SmokeTest" };

    public static int Of(HttpContext context, QuantumPlannerOptions options)
    {
        var name = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        if (name is not null && SolveRoutes.Contains(name))
        {
            return (int)Math.Min(int.MaxValue / 2, 1 + ((long)Math.Max(0, options.SyncMaxTimeLimitSeconds) * Math.Max(0, options.RateLimitSolveSecondCost)));
        }

        if (name == "SubmitJob")
        {
            return Math.Max(1, options.RateLimitJobCost);
        }

        return HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? 1 : 2;
    }
}
