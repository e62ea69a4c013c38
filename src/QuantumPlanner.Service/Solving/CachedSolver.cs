using System.Diagnostics;
using Microsoft.Extensions.Options;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Solving;

/// <summary>What to solve, for which tenant: a validated problem, its canonical hash (computed once by the intake) and the options.</summary>
internal sealed record SolveInput(string TenantId, ValidatedProblem Problem, string ProblemHash, string Backend, int TimeLimitSeconds, long Seed)
{
    /// <summary>The sampler of the QUBO path (anneal); other backends ignore it.</summary>
    public string Sampler { get; init; } = PlanningOptions.DefaultSampler;

    /// <summary>Backend and sampler in one field, as a job stores them and the cache keys them.</summary>
    public string StoredBackend => RequestedBackend.Join(Backend, Sampler == PlanningOptions.DefaultSampler ? null : Sampler);

    public string CacheKey => Storage.Caching.CacheKey.ForProblemHash(TenantId, ProblemHash, StoredBackend, TimeLimitSeconds, Seed);

    /// <summary>The input of a stored job, whose backend field may carry the sampler.</summary>
    public static SolveInput ForJob(JobRecord job, ValidatedProblem problem)
    {
        ArgumentNullException.ThrowIfNull(job);
        var (backend, sampler) = RequestedBackend.Split(job.BackendRequested);
        return new SolveInput(job.TenantId, problem, job.ProblemHash, backend, job.TimeLimitSeconds, job.Seed) { Sampler = sampler ?? PlanningOptions.DefaultSampler };
    }

    /// <summary>Options for the pipeline, with the samplers <paramref name="createSampler"/> makes (remote ones too).</summary>
    public PlanningOptions Options(Action<double>? onProgress, Func<string, ISampler>? createSampler = null) => new()
    {
        TimeLimit = TimeSpan.FromSeconds(TimeLimitSeconds),
        Seed = (ulong)Seed,
        OnProgress = onProgress,
        Sampler = Sampler,
        CreateSampler = createSampler,
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
        var plan = await Task.Run(() => engine.Solve(input.Problem, input.Backend, input.Options(onProgress, name => engine.CreateSampler(name, reason => metrics.ClassicalFallback.WithLabels(reason).Inc())), cancellationToken), CancellationToken.None).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        metrics.SolveDuration.WithLabels(plan.Backend).Observe(clock.Elapsed.TotalSeconds);
        var json = PlanningJson.Serialize(plan);
        await cache.SetAsync(key, json, ttl, CancellationToken.None).ConfigureAwait(false);
        return new SolveOutcome(json, plan);
    }
}
