using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Tests;

/// <summary>Workers end a job with the error it actually raised, instead of leaving the lease to expire and retry.</summary>
public sealed class WorkerHardeningTests
{
    [Fact]
    public async Task Job_UnexpectedExceptionInTheJob_FailsOnceWithTheExceptionTypeAndMessage()
    {
        await using var service = new TestService(
            new Dictionary<string, string?> { ["LeaseSeconds"] = "2", ["MaxAttempts"] = "3" },
            services => services.Replace(ServiceDescriptor.Singleton<IResultCache>(new ThrowingCache())));
        using var client = service.Client(await service.CreateKeyAsync("acme"));

        var submitted = await Api.SubmitAsync(client, Api.Job(Api.Problem(4)));
        var job = await Api.WaitAsync(client, submitted["id"]!.GetValue<string>(), TimeSpan.FromSeconds(20));

        Assert.Equal("failed", job["status"]!.GetValue<string>());
        var error = job["error"]!.GetValue<string>();
        Assert.Equal("InvalidDataException: cache entry 7 is corrupt", error);
        Assert.DoesNotContain(" at ", error, StringComparison.Ordinal);
        var stored = await service.Services.GetRequiredService<IJobStore>().GetByIdAsync(Guid.Parse(submitted["id"]!.GetValue<string>()));
        Assert.Equal(1, stored!.Attempts);
    }

    /// <summary>Misses for the submission's lookup, then throws: the worker's lookup is the second.</summary>
    private sealed class ThrowingCache : IResultCache
    {
        private int lookups;

        public string Kind => "throwing";

        public Task<string?> TryGetAsync(string key, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref lookups) == 1
                ? Task.FromResult<string?>(null)
                : throw new InvalidDataException("cache entry 7 is corrupt");

        public Task SetAsync(string key, string json, TimeSpan ttl, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<bool> PingAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

        public CacheStatistics Statistics => default;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
