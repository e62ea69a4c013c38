using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Workers;

/// <summary>
/// Maintenance mode lives in the <c>settings</c> table so every replica sees it; each process re-reads it at most
/// every <see cref="RefreshInterval"/> so that submissions do not pay an extra query.
/// </summary>
public sealed class MaintenanceState(IJobStore store)
{
    public const string SettingKey = MaintenanceSetting.Key;
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);
    private MaintenanceView current = new(false, null, null);
    private long refreshedAt = long.MinValue;

    public async Task<MaintenanceView> GetAsync(CancellationToken cancellationToken, bool fresh = false)
    {
        if (!fresh && Environment.TickCount64 - Volatile.Read(ref refreshedAt) < RefreshInterval.TotalMilliseconds)
        {
            return current;
        }

        current = await MaintenanceSetting.ReadAsync(store, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref refreshedAt, Environment.TickCount64);
        return current;
    }

    public async Task<MaintenanceView> SetAsync(bool enabled, string? message, CancellationToken cancellationToken)
    {
        var view = await MaintenanceSetting.WriteAsync(store, enabled, message, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        current = view;
        Volatile.Write(ref refreshedAt, Environment.TickCount64);
        return view;
    }
}
