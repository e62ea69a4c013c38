using System.Diagnostics;
using Microsoft.Extensions.Options;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Solving;

/// <summary>What to solve, for which tenant: a validated problem, its canonical hash (computed once by the intake) and the options.</summary>
internal sealed record SolveInput(string TenantId, ValidatedProblem Problem, string ProblemHash, string Backend, int TimeLimitSeconds, long Seed)
{
    public string CacheKey => Storage.Caching.CacheKey.ForProblemHash(TenantId, ProblemHash, Backend, TimeLimitSeconds, Seed);

    public PlanningOptions Options(Action<double>? onProgress) => new()
    {
        TimeLimit = TimeSpan.FromSeconds(TimeLimitSeconds),
        Seed = (ulong)Seed,
        OnProgress = onProgress,
    };
}

/// <summary>The plan JSON, and the plan itself when it was solved now (null: it came from the result cache).</summary>
internal sealed record SolveOutcome(string ResultJson, Plan? Plan);

/// <summary>
/// The one solve-and-cache step behind POST /api/v1/solve and the job worker: answer from the result cache, or solve
/// off the request thread, record the solve duration, serialise the plan and cache it. A solve stopped by its token
/// throws <see cref="OperationCanceledException"/> instead of returning (and caching) a plan cut short.
/// </summary>
internal sealed class CachedSolver(PlanningEngine engine, IResultCache cache, ServiceMetrics metrics, IOptions<QuantumPlannerOptions> options)
{
    private readonly TimeSpan ttl = TimeSpan.FromSeconds(options.Value.CacheTtlSeconds);

    public async Task<SolveOutcome> SolveAsync(SolveInput input, Action<double>? onProgress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var key = input.CacheKey;
        if (await cache.TryGetAsync(key, CancellationToken.None).ConfigureAwait(false) is { } cached)
        {
            metrics.CacheHits.Inc();
            return new SolveOutcome(cached, null);
        }

        var clock = Stopwatch.StartNew();
        var plan = await Task.Run(() => engine.Solve(input.Problem, input.Backend, input.Options(onProgress), cancellationToken), CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        metrics.SolveDuration.WithLabels(plan.Backend).Observe(clock.Elapsed.TotalSeconds);
        var json = PlanningJson.Serialize(plan);
        await cache.SetAsync(key, json, ttl, CancellationToken.None).ConfigureAwait(false);
        return new SolveOutcome(json, plan);
    }
}
