using System.Security.Claims;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Service.Security;
using QuantumPlanner.Service.Workers;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Api;

/// <summary>/api/v1/admin: maintenance mode, stored in the database so every replica sees it; the errors of a period (AdminErrorsApi).</summary>
internal static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin").WithTags("Admin").RequireAuthorization(ApiClaims.AdminPolicy);
        group.MapGet("/maintenance", async (MaintenanceState maintenance, CancellationToken cancellationToken) =>
                Results.Ok(await maintenance.GetAsync(cancellationToken, fresh: true).ConfigureAwait(false)))
            .WithName("GetMaintenance").WithSummary("Whether maintenance mode is on, since when, and its message.");
        group.MapPut("/maintenance", async (MaintenanceRequest request, ClaimsPrincipal user, MaintenanceState maintenance, IAuditLog audit, ILoggerFactory loggers, CancellationToken cancellationToken) =>
            {
                var view = await maintenance.SetAsync(request.Enabled, request.Message, cancellationToken).ConfigureAwait(false);
                Log.MaintenanceChanged(loggers.CreateLogger("QuantumPlanner.Service.Admin"), view.Enabled ? "enabled" : "disabled", ApiClaims.TenantOf(user));
                var details = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string?> { ["message"] = view.Message, ["via"] = "PUT /api/v1/admin/maintenance" });
                await audit.WriteAsync(
                    new AuditRecord(view.Enabled ? "maintenance.on" : "maintenance.off", user.FindFirstValue(ApiClaims.KeyId), ApiClaims.TenantOf(user), DetailsJson: details),
                    cancellationToken).ConfigureAwait(false);
                return Results.Ok(view);
            })
            .WithName("SetMaintenance").WithSummary("Turn maintenance mode on or off (admin keys only): new jobs get 503, reads keep working.");
        return group.MapAdminErrors();
    }
}
