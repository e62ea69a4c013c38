using System.Security.Claims;
using QuantumPlanner.Service.Security;

namespace QuantumPlanner.Service.Api;

/// <summary>/api/v1/me: whom a key belongs to, so a client can check a key and show what it may do before using it.</summary>
internal static class SessionApi
{
    public static RouteHandlerBuilder MapSessionApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/v1/me", (ClaimsPrincipal user) => Results.Ok(new Caller(ApiClaims.TenantOf(user), ApiClaims.IsAdmin(user))))
            .WithTags("Session").WithName("WhoAmI").WithSummary("The tenant of the key and whether it is an admin key.");

    public sealed record Caller(string Tenant, bool Admin);
}
