using System.Text.Json;

namespace QuantumPlanner.Storage;

/// <summary>Whether maintenance mode is on: new jobs are refused with 503 while reads keep working.</summary>
public sealed record MaintenanceView(bool Enabled, string? Message, DateTimeOffset? Since);

/// <summary>
/// Maintenance mode as stored in the <c>settings</c> table, so every replica and <c>qplan ops maintenance</c> read and
/// write the same row.
/// </summary>
public static class MaintenanceSetting
{
    public const string Key = "maintenance";
    public const string DefaultMessage = "Planned maintenance.";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly MaintenanceView Off = new(false, null, null);

    public static async Task<MaintenanceView> ReadAsync(IJobStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var json = await store.GetSettingAsync(Key, cancellationToken).ConfigureAwait(false);
        return json is null ? Off : JsonSerializer.Deserialize<MaintenanceView>(json, Json) ?? Off;
    }

    public static async Task<MaintenanceView> WriteAsync(IJobStore store, bool enabled, string? message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var view = new MaintenanceView(enabled, enabled ? message ?? DefaultMessage : null, enabled ? now : null);
        await store.SetSettingAsync(Key, JsonSerializer.Serialize(view, Json), cancellationToken).ConfigureAwait(false);
        return view;
    }
}
