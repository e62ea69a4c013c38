using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Workers;

/// <summary>
/// Maintenance mode lives in the <c>settings</c> table so every replica sees it; each process re-reads it at most
/// every <see cref="RefreshInterval"/> so that submissions do not pay an extra query. When the database cannot be read
/// the last known state stands and the submission itself meets the outage, which answers 503 with Retry-After.
/// </summary>
public sealed class MaintenanceState(IJobStore store)
{
    public const string SettingKey = MaintenanceSetting.Key;
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);
    private MaintenanceView current = new(false, null, null);
    private bool loaded;
    private long refreshedAt;

    public async Task<MaintenanceView> GetAsync(CancellationToken cancellationToken, bool fresh = false)
    {
        if (!fresh && Volatile.Read(ref loaded) && Environment.TickCount64 - Volatile.Read(ref refreshedAt) < RefreshInterval.TotalMilliseconds)
        {
            return current;
        }

        try
        {
            current = await MaintenanceSetting.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!fresh && exception is not OperationCanceledException)
        {
            // Retry after the interval instead of on every request while the database is away.
            Volatile.Write(ref refreshedAt, Environment.TickCount64);
            Volatile.Write(ref loaded, true);
            return current;
        }

        Volatile.Write(ref refreshedAt, Environment.TickCount64);
        Volatile.Write(ref loaded, true);
        return current;
    }

    public async Task<MaintenanceView> SetAsync(bool enabled, string? message, CancellationToken cancellationToken)
    {
        var view = await MaintenanceSetting.WriteAsync(store, enabled, message, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        current = view;
        Volatile.Write(ref refreshedAt, Environment.TickCount64);
        Volatile.Write(ref loaded, true);
        return view;
    }
}
