using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// Refused keys cost the key store at most one lookup each and a bounded number per client; each is counted. Raw
/// HttpClient on purpose: the tests are about key header shapes and what refused keys cost, below the client.
/// </summary>
public sealed class AuthHardeningTests
{
    [Fact]
    public async Task Request_BogusWellFormedKeys_LookedUpOnceEachThenThrottledPerClientAndCounted()
    {
        CountingKeyStore? counting = null;
        await using var service = new TestService(
            new Dictionary<string, string?> { ["Workers"] = "0", ["RefusedKeysPerClientPerMinute"] = "3" },
            services =>
            {
                var inner = services.Single(d => d.ServiceType == typeof(IApiKeyStore));
                services.Replace(ServiceDescriptor.Singleton<IApiKeyStore>(provider =>
                    counting = new CountingKeyStore((IApiKeyStore)inner.ImplementationFactory!(provider))));
            });
        var good = await service.CreateKeyAsync("acme");
        using var client = service.Client();
        Assert.Equal(HttpStatusCode.OK, await GetJobsAsync(client, good));
        var lookupsOfGood = counting!.Verifications;

        var firstStatuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            firstStatuses.Add(await GetJobsAsync(client, Bogus(0)));
        }

        var lookupsAfterSame = counting.Verifications - lookupsOfGood;
        var second = await GetJobsAsync(client, Bogus(1));
        var third = await GetJobsAsync(client, Bogus(2));
        using var throttled = await SendAsync(client, Bogus(3));
        var goodStatus = await GetJobsAsync(client, good);
        var metrics = await client.GetStringAsync("/metrics");

        Assert.All(firstStatuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(1, lookupsAfterSame);
        Assert.Equal(HttpStatusCode.Unauthorized, second);
        Assert.Equal(HttpStatusCode.Unauthorized, third);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("RefusedKeysPerClientPerMinute", await throttled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The good key was verified before the client ran out of lookups, so it is remembered and keeps working.
        Assert.Equal(lookupsOfGood + lookupsAfterSame + 2, counting.Verifications);
        Assert.Equal(HttpStatusCode.OK, goodStatus);
        Assert.Contains("quantum_planner_auth_failures_total{reason=\"unknown\"} 7", metrics, StringComparison.Ordinal);
        Assert.Contains("quantum_planner_auth_failures_total{reason=\"throttled\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetMaintenance_OnThenOff_WritesTwoAuditRecordsWithTheActorKey()
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["Workers"] = "0" });
        var admin = await service.CreateKeyAsync("ops", admin: true);
        using var client = service.Client(admin);

        foreach (var enabled in new[] { true, false })
        {
            using var response = await client.PutAsync("/api/v1/admin/maintenance", new StringContent($$"""{"enabled":{{(enabled ? "true" : "false")}},"message":"db upgrade"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var entries = await service.Services.GetRequiredService<IAuditLog>().ListAsync(new AuditQuery());
        Assert.Equal(["maintenance.off", "maintenance.on"], entries.Select(e => e.Action));
        Assert.All(entries, e =>
        {
            Assert.Equal(admin.Split('_')[1], e.ActorKeyId);
            Assert.Equal("ops", e.TenantId);
        });
        Assert.Contains("db upgrade", entries[1].DetailsJson, StringComparison.Ordinal);
    }

    // Shaped like a key (qp_<16 hex>_<secret>), so only the store can tell it is not one.
    private static string Bogus(int n) => $"qp_{n:x16}_{new string('A', 43)}";

    private static async Task<HttpStatusCode> GetJobsAsync(HttpClient client, string key)
    {
        using var response = await SendAsync(client, key);
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/jobs");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client.SendAsync(request);
    }

    private sealed class CountingKeyStore(IApiKeyStore inner) : IApiKeyStore
    {
        private int verifications;

        public int Verifications => Volatile.Read(ref verifications);

        public Task MigrateAsync(CancellationToken cancellationToken = default) => inner.MigrateAsync(cancellationToken);

        public Task<CreatedApiKey> CreateAsync(string tenantId, bool admin, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default) =>
            inner.CreateAsync(tenantId, admin, expiresAt, cancellationToken);

        public Task<ApiKeyInfo?> VerifyAsync(string plainKey, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref verifications);
            return inner.VerifyAsync(plainKey, cancellationToken);
        }

        public Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken = default) => inner.ListAsync(cancellationToken);

        public Task<bool> RevokeAsync(string id, CancellationToken cancellationToken = default) => inner.RevokeAsync(id, cancellationToken);

        public Task<bool> AnyAsync(CancellationToken cancellationToken = default) => inner.AnyAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
