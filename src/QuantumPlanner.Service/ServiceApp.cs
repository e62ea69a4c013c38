using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;
using QuantumPlanner.Service.Api;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Dashboard;
using QuantumPlanner.Service.Health;
using QuantumPlanner.Service.Mcp;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Service.Security;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Service.Workers;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service;

/// <summary>
/// Builds the service host: <c>qplan serve</c>, <c>qplan worker</c> and tests all come through here.
/// Settings come from the "QuantumPlanner" configuration section (appsettings.json, QuantumPlanner__X environment
/// variables, command-line --QuantumPlanner:X=...), with QP_DB and QP_REDIS as fallbacks for the two connections.
/// </summary>
public static class ServiceApp
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public const string DefaultWorkerUrl = "http://127.0.0.1:8081";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]))
        {
            var api = builder.Configuration.GetValue($"{QuantumPlannerOptions.Section}:{nameof(QuantumPlannerOptions.Api)}", true);
            builder.WebHost.UseUrls(api ? DefaultUrl : DefaultWorkerUrl);
        }

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);

        AddServices(builder.Services);
        var app = builder.Build();
        var options = app.Services.GetRequiredService<IOptions<QuantumPlannerOptions>>().Value;
        CheckNoAuth(app.Configuration["urls"], options);
        MapRoutes(app, options);
        return app;
    }

    /// <summary>
    /// Without keys anyone who reaches the port is admin, so --no-auth is allowed only on loopback addresses. This first
    /// check reads the configured urls before anything binds; <see cref="NoAuthAddressCheck"/> then checks the
    /// addresses Kestrel actually bound (Kestrel:Endpoints settings bypass "urls"), and the authentication handler
    /// grants keyless access only to connections that arrive on a loopback address.
    /// </summary>
    private static void CheckNoAuth(string? urls, QuantumPlannerOptions options)
    {
        if (!options.NoAuth)
        {
            return;
        }

        foreach (var url in (urls ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IsLoopback(url))
            {
                throw new InvalidOperationException($"--no-auth is refused on '{url}': without API keys the service may listen only on a loopback address. Maybe --urls {DefaultUrl}, or create a key with 'qplan keys create'.");
            }
        }
    }

    internal static bool IsLoopback(string url)
    {
        var host = url.Replace("://+", "://wildcard", StringComparison.Ordinal).Replace("://*", "://wildcard", StringComparison.Ordinal);
        if (!Uri.TryCreate(host, UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
    }

    private static void AddServices(IServiceCollection services)
    {
        services.AddOptions<QuantumPlannerOptions>()
            .BindConfiguration(QuantumPlannerOptions.Section)
            .PostConfigure(options =>
            {
                options.Db = SecretFiles.WithDbPassword(
                    FirstNonEmpty(options.Db, Environment.GetEnvironmentVariable("QP_DB")),
                    FirstNonEmpty(options.DbPasswordFile, Environment.GetEnvironmentVariable("QP_DB_PASSWORD_FILE")));
                options.Redis = SecretFiles.WithRedisPassword(
                    FirstNonEmpty(options.Redis, Environment.GetEnvironmentVariable("QP_REDIS")),
                    FirstNonEmpty(options.RedisPasswordFile, Environment.GetEnvironmentVariable("QP_REDIS_PASSWORD_FILE")));
            });
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<QuantumPlannerOptions>>((kestrel, options) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.Value.MaxBodyBytes;
        });
        services.AddOptions<HostOptions>().Configure<IOptions<QuantumPlannerOptions>>((host, options) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(options.Value.ShutdownGraceSeconds + 10));

        services.AddSingleton(provider => StorageFactory.CreateJobStore(Settings(provider).Db, DataDir(provider)));
        services.AddSingleton(provider => StorageFactory.CreateApiKeyStore(Settings(provider).Db, DataDir(provider)));
        services.AddSingleton(provider => StorageFactory.CreateResultCache(Settings(provider).Redis, provider.GetRequiredService<ILoggerFactory>().CreateLogger("QuantumPlanner.Storage.Cache"), Settings(provider).MemoryCacheMegabytes));
        services.AddSingleton<PlanningEngine>();
        services.AddSingleton<CachedSolver>();
        services.AddSingleton<SubmittedProblems>();
        services.AddSingleton<JobIntake>();
        services.AddSingleton<WorkSignal>();
        services.AddSingleton<MaintenanceState>();
        services.AddSingleton<ServiceMetrics>();
        services.AddSingleton<MetricsRefresher>();
        services.AddSingleton<ApiKeyCache>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KeyRefusals>();
        services.AddSingleton<SyncSolveGate>();
        services.AddSingleton(provider => StorageFactory.CreateAuditLog(Settings(provider).Db, DataDir(provider)));
        services.AddSingleton(provider => new FinishedJobCache(
            Math.Max(0, Settings(provider).FinishedJobCacheMegabytes) * 1024L * 1024L,
            provider.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions));

        services.AddProblemDetails(ProblemDetailsDefaults.Configure);
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddPlannerOpenApi();
        services.AddAuthentication(ApiClaims.Scheme).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiClaims.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiClaims.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(ApiClaims.Admin, "true"));
        services.AddPerKeyRateLimiting();
        services.AddPlannerMcpHttp();

        services.AddHealthChecks()
            // Not part of readiness (docs/runbooks/service.md "Readiness and the database"): during an outage every
            // replica would turn unready together, and clients would lose the 503 + Retry-After the service answers.
            .AddCheck<DatabaseHealthCheck>("database", tags: ["database"])
            .AddCheck<DrainingHealthCheck>("draining", tags: ["ready"])
            .AddCheck<CacheHealthCheck>("cache", HealthStatus.Degraded)
            .AddCheck<MaintenanceHealthCheck>("maintenance", HealthStatus.Degraded)
            .AddCheck<QuantumHealthCheck>("quantum", HealthStatus.Degraded, tags: ["quantum"]);
        services.AddSingleton<QuantumHealthCheck>();

        services.AddHostedService<NoAuthAddressCheck>();
        services.AddHostedService<StartupTasks>();
        services.AddHostedService<JobWorker>();
        services.AddHostedService<IdleMemoryTrimmer>();
        services.AddHostedService<PurgeWatcher>();
    }

    private static QuantumPlannerOptions Settings(IServiceProvider provider) => provider.GetRequiredService<IOptions<QuantumPlannerOptions>>().Value;

    private static string DataDir(IServiceProvider provider)
    {
        var settings = Settings(provider);
        var dir = settings.ResolveDataDir();
        if (string.IsNullOrWhiteSpace(settings.Db))
        {
            Directory.CreateDirectory(dir);
        }

        return dir;
    }

    private static void MapRoutes(WebApplication app, QuantumPlannerOptions options)
    {
        var metrics = app.Services.GetRequiredService<ServiceMetrics>();
        app.Services.GetRequiredService<MetricsRefresher>().Register();

        UseForwardedHeadersFrom(app, options.ForwardedHeadersProxies);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseHttpMetrics(http => http.SetMetricFactory(Metrics.WithCustomRegistry(metrics.Registry)));
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapHealthChecks("/health", HealthJson.For(_ => true));
        app.MapHealthChecks("/health/live", HealthJson.For(_ => false));
        app.MapHealthChecks("/health/ready", HealthJson.For(check => check.Tags.Contains("ready")));
        app.MapHealthChecks("/health/database", HealthJson.For(check => check.Tags.Contains("database")));
        app.MapHealthChecks("/health/quantum", HealthJson.For(check => check.Tags.Contains("quantum")));
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapOpenApi();
        app.MapSchemasApi();

        if (options.Api)
        {
            app.MapJobsApi().RequireAuthorization().RequireRateLimiting(RateLimiting.Policy);
            app.MapSolveApi().RequireAuthorization().RequireRateLimiting(RateLimiting.Policy);
            app.MapAdminApi().RequireRateLimiting(RateLimiting.Policy);
            app.MapProblemsApi().RequireAuthorization().RequireRateLimiting(RateLimiting.Policy);
            app.MapSessionApi().RequireAuthorization().RequireRateLimiting(RateLimiting.Policy);
            app.MapDashboard();
            app.MapPlannerMcp();
        }
    }

    /// <summary>
    /// Behind a proxy every connection comes from the proxy, so the rate limiter and key refusals would see one client.
    /// Forwarded headers are honoured only from the configured proxies: anyone else could claim any address.
    /// </summary>
    private static void UseForwardedHeadersFrom(WebApplication app, string? proxies)
    {
        if (string.IsNullOrWhiteSpace(proxies))
        {
            return;
        }

        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var entry in proxies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network))
            {
                forwarded.KnownIPNetworks.Add(network);
            }
            else if (System.Net.IPAddress.TryParse(entry, out var address))
            {
                forwarded.KnownProxies.Add(address);
            }
            else
            {
                throw new InvalidOperationException($"ForwardedHeadersProxies entry '{entry}' is neither an IP address nor a CIDR network. Maybe 10.0.0.0/8 or 127.0.0.1.");
            }
        }

        app.UseForwardedHeaders(forwarded);
    }

    private static string? FirstNonEmpty(string? first, string? second) => string.IsNullOrWhiteSpace(first) ? (string.IsNullOrWhiteSpace(second) ? null : second) : first;
}
