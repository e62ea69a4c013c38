using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Workers;

/// <summary>
/// Runs before the workers start: applies migrations, and on the very first start of an authenticated API creates an
/// admin key and prints it once on stdout (never to the log).
/// </summary>
internal sealed class StartupTasks(
    IJobStore store,
    IApiKeyStore keys,
    IResultCache cache,
    IOptions<QuantumPlannerOptions> options,
    ILogger<StartupTasks> logger) : IHostedService
{
    public const string AdminTenant = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await keys.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (settings.Api && !settings.NoAuth && settings.BootstrapAdminKey && !await keys.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            var created = await keys.CreateAsync(AdminTenant, admin: true, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"Admin API key (shown once; store it now): {created.PlainKey}").ConfigureAwait(false);
            await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            Log.AdminKeyCreated(logger, AdminTenant);
        }

        Log.Started(logger, StorageFactory.KindOf(settings.Db), cache.Kind, settings.Workers, settings.Api, settings.NoAuth ? "off (loopback only)" : "api keys");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
