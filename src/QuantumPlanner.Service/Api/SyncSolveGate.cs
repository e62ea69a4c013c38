using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;

namespace QuantumPlanner.Service.Api;

/// <summary>
/// Bounds the synchronous solves (POST /solve, /qubo/solve, /optimize/test), which hold a request and a CPU each: at most
/// <see cref="QuantumPlannerOptions.SyncMaxConcurrentSolves"/> per process and
/// <see cref="QuantumPlannerOptions.SyncMaxConcurrentSolvesPerTenant"/> per tenant. A request beyond either is refused
/// at once (never queued, so a burst cannot pile up behind the CPUs): 429 for the tenant's limit, 503 for the process's.
/// </summary>
internal sealed class SyncSolveGate(IOptions<QuantumPlannerOptions> options)
{
    private readonly ConcurrentDictionary<string, int> perTenant = new(StringComparer.Ordinal);
    private int running;

    /// <summary>A slot to release when the solve ends, or the problem response that refuses it.</summary>
    public (IDisposable? Slot, IResult? Refusal) TryEnter(HttpContext context, string tenant)
    {
        var settings = options.Value;
        var mine = perTenant.AddOrUpdate(tenant, 1, static (_, n) => n + 1);
        if (mine > Math.Max(1, settings.SyncMaxConcurrentSolvesPerTenant))
        {
            Leave(tenant, process: false);
            context.Response.Headers.RetryAfter = "1";
            return (null, ApiProblems.Problem(
                StatusCodes.Status429TooManyRequests,
                "Too many synchronous solves.",
                $"Tenant '{tenant}' already runs {settings.SyncMaxConcurrentSolvesPerTenant} synchronous solves, its quota SyncMaxConcurrentSolvesPerTenant. Maybe submit a job (POST /api/v1/jobs) or retry after Retry-After.",
                [new ApiError("quota_exceeded", "SyncMaxConcurrentSolvesPerTenant", $"{settings.SyncMaxConcurrentSolvesPerTenant} synchronous solves at once.", "Submit a job instead.")]));
        }

        if (Interlocked.Increment(ref running) > Math.Max(1, settings.SyncMaxConcurrentSolves))
        {
            Leave(tenant, process: true);
            return (null, ApiProblems.Unavailable(context, 1, $"This process already runs {settings.SyncMaxConcurrentSolves} synchronous solves (SyncMaxConcurrentSolves). Maybe submit a job (POST /api/v1/jobs) or retry after Retry-After."));
        }

        return (new Slot(this, tenant), null);
    }

    private void Leave(string tenant, bool process)
    {
        if (process)
        {
            Interlocked.Decrement(ref running);
        }

        // Remove the tenant's entry when it drops to zero so the map holds only tenants with solves running.
        while (perTenant.TryGetValue(tenant, out var n))
        {
            if (n <= 1 ? perTenant.TryRemove(new KeyValuePair<string, int>(tenant, n)) : perTenant.TryUpdate(tenant, n - 1, n))
            {
                return;
            }
        }
    }

    private sealed class Slot(SyncSolveGate gate, string tenant) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                gate.Leave(tenant, process: true);
            }
        }
    }
}
