using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Workers;

/// <summary>
/// Runs before the workers start: applies migrations, and on the very first start of an authenticated API creates an
/// admin key and writes it to <see cref="AdminKeyFileName"/> in the data directory, readable by the service's user only
/// (stdout would put it into container logs; the log names the file and the key id, never the key).
/// </summary>
internal sealed class StartupTasks(
    IJobStore store,
    IApiKeyStore keys,
    IAuditLog audit,
    IResultCache cache,
    IOptions<QuantumPlannerOptions> options,
    ILogger<StartupTasks> logger) : IHostedService
{
    public const string AdminTenant = "admin";

    public const string AdminKeyFileName = "bootstrap-admin-key";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await keys.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (settings.Api && !settings.NoAuth && settings.BootstrapAdminKey && !await keys.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            var created = await keys.CreateAsync(AdminTenant, admin: true, cancellationToken).ConfigureAwait(false);
            var path = Path.Combine(settings.ResolveDataDir(), AdminKeyFileName);
            WritePrivateFile(path, created.PlainKey + "\n");
            await audit.WriteAsync(new AuditRecord("key.create", TenantId: AdminTenant, Target: created.Info.Id, DetailsJson: """{"admin":true,"via":"bootstrap"}"""), cancellationToken).ConfigureAwait(false);
            Log.AdminKeyWritten(logger, AdminTenant, created.Info.Id, path);
        }

        Log.Started(logger, StorageFactory.KindOf(settings.Db), cache.Kind, settings.Workers, settings.Api, settings.NoAuth ? "off (loopback only)" : "api keys");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the file with mode 0600 from the start (no moment in which others may read it) and replaces any old one.</summary>
    private static void WritePrivateFile(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, System.Text.Encoding.UTF8, options);
        writer.Write(content);
    }
}
