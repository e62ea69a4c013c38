using Prometheus;

namespace QuantumPlanner.Service.Observability;

/// <summary>
/// Every metric of the service, in one registry per host so that several hosts in one process
/// (tests) do not share counters. Names are fixed by DESIGN.md §7; dashboards and alerts rely on them.
/// </summary>
public sealed class ServiceMetrics
{
    public ServiceMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        SolveDuration = factory.CreateHistogram(
            "quantum_solve_duration_seconds",
            "Time a worker spent solving one job, by the backend that produced the plan.",
            new HistogramConfiguration { LabelNames = ["backend"], Buckets = [0.1, 0.5, 1, 2, 5, 10, 30] });
        JobsTotal = factory.CreateCounter(
            "optimization_jobs_total",
            "Jobs finished by this process, by final status and backend.",
            new CounterConfiguration { LabelNames = ["status", "backend"] });
        ClassicalFallback = factory.CreateCounter(
            "classical_fallback_total",
            "Calls for a remote annealer (qpu:NAME, hybrid:NAME) answered by the local sampler, by reason: unreachable, timeout, quota, offline.",
            new CounterConfiguration { LabelNames = ["reason"] });

        // Every reason from zero, so a dashboard's rate() sees the series before the first fallback.
        foreach (var reason in new[] { "unreachable", "timeout", "quota", "offline" })
        {
            ClassicalFallback.WithLabels(reason);
        }

        ErrorRate = factory.CreateGauge(
            "quantum_planner_error_rate",
            "Failed jobs over finished jobs in the last 5 minutes (all replicas, from the database).");
        MemoryUsage = factory.CreateGauge(
            "quantum_planner_memory_usage_bytes",
            "Working set of this process.");
        GcHeapAfterCollection = factory.CreateGauge(
            "quantum_planner_gc_heap_bytes",
            "Managed heap after the last garbage collection (live objects plus fragmentation): what qplan ops leak-check fits, without the saw-tooth of garbage between collections.");
        QueueSize = factory.CreateGauge(
            "optimization_queue_size",
            "Jobs waiting to be claimed (all replicas, from the database).");
        DiskUsage = factory.CreateGauge(
            "quantum_planner_disk_usage_ratio",
            "Used share (0..1) of the file system holding the data directory (SQLite store, temporary files).");
        CacheHits = factory.CreateCounter(
            "quantum_planner_cache_hits_total",
            "Jobs answered from the result cache without solving.");
        AuthFailures = factory.CreateCounter(
            "quantum_planner_auth_failures_total",
            "Requests whose API key was refused, by reason: unknown (not a key, revoked or expired) or throttled (the client sent too many refused keys and was not looked up).",
            new CounterConfiguration { LabelNames = ["reason"] });
        RateLimitFallback = factory.CreateCounter(
            "quantum_planner_rate_limit_fallback_total",
            "Requests the rate limiter judged by this replica's own window because the shared Redis window could not answer.");
    }

    public CollectorRegistry Registry { get; }

    public Histogram SolveDuration { get; }

    public Counter JobsTotal { get; }

    public Counter ClassicalFallback { get; }

    public Gauge ErrorRate { get; }

    public Gauge MemoryUsage { get; }

    public Gauge GcHeapAfterCollection { get; }

    public Gauge QueueSize { get; }

    public Counter CacheHits { get; }

    public Gauge DiskUsage { get; }

    public Counter AuthFailures { get; }

    public Counter RateLimitFallback { get; }
}
