using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using QuantumPlanner.Remote;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Service.Workers;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Health;

/// <summary>Database reachable and every migration applied.</summary>
internal sealed class DatabaseHealthCheck(IJobStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            if (!await store.PingAsync(timeout.Token).ConfigureAwait(false))
            {
                return HealthCheckResult.Unhealthy("The database does not answer.");
            }

            return await store.MigrationsAppliedAsync(timeout.Token).ConfigureAwait(false)
                ? HealthCheckResult.Healthy("Reachable; migrations applied.")
                : HealthCheckResult.Unhealthy("Migrations are missing. Maybe run 'qplan db migrate'.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The database is unreachable ({ex.GetType().Name}).");
        }
    }
}

/// <summary>Unhealthy for readiness once the host is stopping, so load balancers stop sending work first.</summary>
internal sealed class DrainingHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("Draining: shutting down.")
            : HealthCheckResult.Healthy("Accepting work."));
}

/// <summary>A cache outage costs speed, never a request: degraded, not unhealthy.</summary>
internal sealed class CacheHealthCheck(IResultCache cache) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stats = cache.Statistics;
        var data = new Dictionary<string, object> { ["kind"] = cache.Kind, ["hits"] = stats.Hits, ["misses"] = stats.Misses, ["errors"] = stats.Errors };
        return await cache.PingAsync(cancellationToken).ConfigureAwait(false)
            ? HealthCheckResult.Healthy($"{cache.Kind} cache answers.", data)
            : HealthCheckResult.Degraded($"{cache.Kind} cache is unreachable; jobs are solved without it.", data: data);
    }
}

/// <summary>Maintenance mode shows on /health as degraded with its message; reads keep working.</summary>
internal sealed class MaintenanceHealthCheck(MaintenanceState maintenance) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var state = await maintenance.GetAsync(cancellationToken).ConfigureAwait(false);
            return state.Enabled
                ? HealthCheckResult.Degraded($"Maintenance mode: {state.Message}", data: new Dictionary<string, object> { ["maintenance"] = true })
                : HealthCheckResult.Healthy("Not in maintenance.", new Dictionary<string, object> { ["maintenance"] = false });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Degraded("Maintenance state unknown: the database is unreachable.");
        }
    }
}

/// <summary>
/// Each local sampler solves a tiny model with a known ground state (cached for a minute: it costs CPU and cannot
/// change while the process runs), and each remote solver of the configured SAPI service is listed (reachable, status,
/// load, latency) on every call, so an outage or a solver going offline shows at the next probe.
/// </summary>
internal sealed class QuantumHealthCheck(PlanningEngine engine) : IHealthCheck
{
    private static readonly TimeSpan LocalTestLifetime = TimeSpan.FromMinutes(1);

    private IReadOnlyList<(string Sampler, bool Ok, double Energy, double Expected, string? Error)>? local;
    private long testedAt = long.MinValue;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (local is null || Environment.TickCount64 - testedAt >= LocalTestLifetime.TotalMilliseconds)
        {
            local = PlanningEngine.CheckSamplers(cancellationToken);
            testedAt = Environment.TickCount64;
        }

        var data = new Dictionary<string, object>();
        var failures = new List<string>();
        foreach (var (sampler, ok, energy, expected, error) in local)
        {
            data[sampler] = ok ? "ok" : error ?? $"energy {energy} instead of {expected}";
            if (!ok)
            {
                failures.Add(sampler);
            }
        }

        var remote = engine.Quantum is { } configuration ? QuantumConnectivity.CheckAsync(configuration, cancellationToken).GetAwaiter().GetResult() : [];
        var remoteDown = remote.Where(s => !s.Reachable || s.Status != "ONLINE").Select(s => s.Name).ToArray();
        if (remote.Count > 0)
        {
            data["remote"] = remote.Select(s => new { name = s.Name, sampler = s.Sampler, category = s.Category, reachable = s.Reachable, status = s.Status, load = s.AverageLoad, latencyMs = s.LatencyMs, error = s.Error }).ToArray();
        }

        var result = failures.Count > 0
            ? HealthCheckResult.Degraded($"Sampler(s) {string.Join(", ", failures)} missed the known ground state; planning falls back to classical backends.", data: data)
            : remoteDown.Length > 0
                ? HealthCheckResult.Degraded($"Remote solver(s) {string.Join(", ", remoteDown)} unreachable or not online; qpu:/hybrid: calls fall back to the local sampler.", data: data)
                : local.Count == 0
                    ? HealthCheckResult.Healthy("No QUBO sampler is installed; planning uses classical backends.", data)
                    : HealthCheckResult.Healthy($"{local.Count} sampler(s) found the known ground state; {remote.Count} remote solver(s) online.", data);
        return Task.FromResult(result);
    }
}

/// <summary>Writes a health report as JSON: overall status, then each check with its status, description and data.</summary>
internal static class HealthJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var checks = new Dictionary<string, object?>();
        foreach (var (name, entry) in report.Entries)
        {
            checks[name] = new
            {
                status = entry.Status.ToString(),
                description = entry.Description,
                durationMs = Math.Round(entry.Duration.TotalMilliseconds, 1),
                data = entry.Data.Count > 0 ? entry.Data : null,
            };
        }

        return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString(), totalDurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1), checks }, Options));
    }

    public static HealthCheckOptions For(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}
