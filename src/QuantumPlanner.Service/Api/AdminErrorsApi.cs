using Microsoft.Extensions.Options;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Operations;

namespace QuantumPlanner.Service.Api;

/// <summary>
/// GET /api/v1/admin/errors: the failed jobs of a period with their errors, by backend and tenant, from the store all
/// replicas share (what <c>qplan ops errors --url</c> reads where the operator has no database access).
/// </summary>
internal static class AdminErrorsApi
{
    private const int MaxSinceSeconds = 366 * 24 * 3600;

    public static RouteGroupBuilder MapAdminErrors(this RouteGroupBuilder admin)
    {
        admin.MapGet("/errors", async (IOptions<QuantumPlannerOptions> options, TimeProvider time, CancellationToken cancellationToken, int sinceSeconds = 24 * 3600, int limit = 50) =>
            {
                if (sinceSeconds is <= 0 or > MaxSinceSeconds || limit is < 0 or > 10_000)
                {
                    return Results.Problem(
                        detail: $"sinceSeconds must be 1..{MaxSinceSeconds} and limit 0..10000 (got {sinceSeconds} and {limit}). Maybe ?sinceSeconds=86400&limit=50.",
                        statusCode: StatusCodes.Status400BadRequest);
                }

                var store = StorageFactory.CreateOperationsStore(options.Value.Db, options.Value.ResolveDataDir());
                await using (store.ConfigureAwait(false))
                {
                    var since = time.GetUtcNow() - TimeSpan.FromSeconds(sinceSeconds);
                    return Results.Ok(await FailedJobSummary.ReadAsync(store, since, limit, cancellationToken).ConfigureAwait(false));
                }
            })
            .WithName("GetErrors").WithSummary("Failed jobs of the last sinceSeconds (default a day) by backend and tenant, the newest limit (50) with their errors (admin keys only).");
        return admin;
    }
}
