using System.Net;
using System.Net.Http.Json;
using QuantumPlanner.Service.Tests;

namespace QuantumPlanner.Client.Tests;

/// <summary>Refusals with Retry-After (maintenance mode answers 503) are retried within the client's bounds.</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private TestService service = null!;
    private HttpClient admin = null!;
    private string userKey = null!;

    public async Task InitializeAsync()
    {
        service = new TestService(new Dictionary<string, string?> { ["RetryAfterSeconds"] = "1" });
        admin = service.Client(await service.CreateKeyAsync("ops", admin: true));
        userKey = await service.CreateKeyAsync("acme");
        await SetMaintenanceAsync(true);
    }

    public async Task DisposeAsync()
    {
        admin.Dispose();
        await service.DisposeAsync();
    }

    [Fact]
    public async Task SubmitAsync_InMaintenanceWithoutRetries_ThrowsServiceUnavailableWithRetryAfter()
    {
        var counter = new CountingHandler(service.Client());
        using var client = Client(counter, maxRetries: 0);

        var error = await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.SubmitAsync(new PlanRequest(Api.Problem(2))));

        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        Assert.Contains("maintenance", error.Detail, StringComparison.Ordinal);
        Assert.Equal(1, counter.Refusals);
    }

    [Fact]
    public async Task SubmitAsync_MaintenanceEndsAfterTheFirstRefusal_SucceedsOnTheRetry()
    {
        // The first 503 switches maintenance off, so the retry after Retry-After (1 s) is accepted.
        var counter = new CountingHandler(service.Client(), onRefusal: () => SetMaintenanceAsync(false));
        using var client = Client(counter, maxRetries: 3);

        var job = await client.SubmitAsync(new PlanRequest(Api.Problem(2)));

        Assert.Contains(job.Status, new[] { "queued", "running", "completed" });
        Assert.Equal(1, counter.Refusals);
        Assert.Equal(2, counter.Requests);
    }

    [Fact]
    public async Task SubmitAsync_RetriesRunOut_ThrowsAfterMaxRetriesPlusOneAttempts()
    {
        var counter = new CountingHandler(service.Client());
        using var client = Client(counter, maxRetries: 2);

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.SubmitAsync(new PlanRequest(Api.Problem(2))));

        Assert.Equal(3, counter.Refusals);
    }

    [Fact]
    public async Task SubmitAsync_RetryAfterLongerThanMaxRetryDelay_ThrowsWithoutWaiting()
    {
        var counter = new CountingHandler(service.Client());
        using var client = new QuantumPlannerClient(
            new HttpClient(counter) { BaseAddress = new Uri("http://localhost/") },
            new QuantumPlannerClientOptions { ApiKey = userKey, MaxRetries = 5, MaxRetryDelay = TimeSpan.FromMilliseconds(500) });

        await Assert.ThrowsAsync<ServiceUnavailableException>(() => client.SubmitAsync(new PlanRequest(Api.Problem(2))));

        Assert.Equal(1, counter.Refusals);
    }

    private QuantumPlannerClient Client(CountingHandler handler, int maxRetries) =>
        new(new HttpClient(handler) { BaseAddress = new Uri("http://localhost/") }, new QuantumPlannerClientOptions { ApiKey = userKey, MaxRetries = maxRetries });

    private async Task SetMaintenanceAsync(bool enabled)
    {
        using var response = await admin.PutAsJsonAsync("/api/v1/admin/maintenance", new { enabled, message = "database upgrade" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Forwards to the in-process service and counts requests and 503 answers.</summary>
    private sealed class CountingHandler(HttpClient inner, Func<Task>? onRefusal = null) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        public int Refusals { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            using var copy = new HttpRequestMessage(request.Method, request.RequestUri);
            foreach (var header in request.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            if (request.Content is not null)
            {
                copy.Content = new ByteArrayContent(await request.Content.ReadAsByteArrayAsync(cancellationToken));
                copy.Content.Headers.ContentType = request.Content.Headers.ContentType;
            }

            var response = await inner.SendAsync(copy, cancellationToken);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Refusals++;
                if (onRefusal is not null)
                {
                    await onRefusal();
                }
            }

            return response;
        }
    }
}
