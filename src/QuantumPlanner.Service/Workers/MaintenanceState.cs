using System.Text.Json;
using QuantumPlanner.Service.Api;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Workers;

/// <summary>
/// Maintenance mode lives in the <c>settings</c> table so every replica sees it; each process re-reads it at most
/// every <see cref="RefreshInterval"/> so that submissions do not pay an extra query.
/// </summary>
public sealed class MaintenanceState(IJobStore store)
{
    public const string SettingKey = "maintenance";
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private MaintenanceView current = new(false, null, null);
    private long refreshedAt = long.MinValue;

    public async Task<MaintenanceView> GetAsync(CancellationToken cancellationToken, bool fresh = false)
    {
        if (!fresh && Environment.TickCount64 - Volatile.Read(ref refreshedAt) < RefreshInterval.TotalMilliseconds)
        {
            return current;
        }

        var json = await store.GetSettingAsync(SettingKey, cancellationToken).ConfigureAwait(false);
        current = json is null ? new MaintenanceView(false, null, null) : JsonSerializer.Deserialize<MaintenanceView>(json, Json) ?? new MaintenanceView(false, null, null);
        Volatile.Write(ref refreshedAt, Environment.TickCount64);
        return current;
    }

    public async Task<MaintenanceView> SetAsync(bool enabled, string? message, CancellationToken cancellationToken)
    {
        var view = new MaintenanceView(enabled, enabled ? message ?? "Planned maintenance." : null, enabled ? DateTimeOffset.UtcNow : null);
        await store.SetSettingAsync(SettingKey, JsonSerializer.Serialize(view, Json), cancellationToken).ConfigureAwait(false);
        current = view;
        Volatile.Write(ref refreshedAt, Environment.TickCount64);
        return view;
    }
}
