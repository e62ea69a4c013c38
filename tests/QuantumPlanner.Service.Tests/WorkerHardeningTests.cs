using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// Workers end a job with the error it actually raised, instead of leaving the lease to expire and retry. Raw
/// HttpClient on purpose: the 500 test checks the wire (security headers, no stack trace in the body).
/// </summary>
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

    [Fact]
    public async Task SubmitJob_UnexpectedServerError_Answers500WithTheSecurityHeadersAndNoStack()
    {
        await using var service = new TestService(
            new Dictionary<string, string?> { ["Workers"] = "0" },
            services => services.Replace(ServiceDescriptor.Singleton<IResultCache>(new ThrowingCache(missesFirst: 0))));
        using var client = service.Client(await service.CreateKeyAsync("acme"));

        using var response = await client.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(4))));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.DoesNotContain("InvalidDataException", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Job_SolverIgnoresItsTimeLimitAndCancellation_WatchdogFailsItNamingTheReason()
    {
        using var release = new ManualResetEventSlim();
        var stubborn = new StubbornBackend(release);
        await using var service = new TestService(
            new Dictionary<string, string?> { ["WatchdogGraceSeconds"] = "1" },
            services => services.Replace(ServiceDescriptor.Singleton(new Solving.PlanningEngine(
                new PlanningPipeline(PlanningBackendSet.BuiltIn() with { Others = [stubborn] })))));
        using var client = service.Client(await service.CreateKeyAsync("acme"));

        var submitted = await Api.SubmitAsync(client, Api.Job(Api.Problem(4), backend: "stubborn", timeLimit: 1));
        var job = await Api.WaitAsync(client, submitted["id"]!.GetValue<string>(), TimeSpan.FromSeconds(30));
        release.Set();

        Assert.Equal("failed", job["status"]!.GetValue<string>());
        Assert.Contains("did not stop", job["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("'stubborn'", job["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(stubborn.SawCancellation);
    }

    /// <summary>Sees the cancellation and ignores it, like a solver stuck in a kernel without a stop check.</summary>
    private sealed class StubbornBackend(ManualResetEventSlim release) : IPlanningBackend
    {
        public string Name => "stubborn";

        public bool SawCancellation { get; private set; }

        public bool IsAvailable(out string? reason)
        {
            reason = null;
            return true;
        }

        public BackendResult Solve(PlanningProblem problem, PlanningOptions options, CancellationToken cancellationToken)
        {
            while (!release.Wait(50))
            {
                SawCancellation |= cancellationToken.IsCancellationRequested;
            }

            return new BackendResult([], false, null, "feasible");
        }
    }

    /// <summary>Misses for the first lookups (the submission's), then throws: the worker's lookup comes next.</summary>
    private sealed class ThrowingCache(int missesFirst = 1) : IResultCache
    {
        private int lookups;

        public string Kind => "throwing";

        public Task<string?> TryGetAsync(string key, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref lookups) <= missesFirst
                ? Task.FromResult<string?>(null)
                : throw new InvalidDataException("cache entry 7 is corrupt");

        public Task SetAsync(string key, string json, TimeSpan ttl, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<bool> PingAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

        public CacheStatistics Statistics => default;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
