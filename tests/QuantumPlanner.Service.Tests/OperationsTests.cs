using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// Health, metrics, OpenAPI, maintenance, rate limiting, security headers and --no-auth. Raw HttpClient on purpose:
/// health, metrics, the OpenAPI document, headers and --no-auth are the wire, not calls of QuantumPlanner.Client.
/// </summary>
public sealed class OperationsTests
{
    [Fact]
    public async Task HealthRoutes_HealthyService_AnswerJsonWithEveryCheck()
    {
        await using var service = new TestService();
        using var client = service.Client();
        foreach (var route in new[] { "/health/live", "/health/ready", "/health/database", "/health/quantum" })
        {
            using var response = await client.GetAsync(route);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route} answered {(int)response.StatusCode}");
        }

        var health = await client.GetFromJsonAsync<JsonObject>("/health");
        Assert.Equal("Healthy", health!["status"]!.GetValue<string>());
        foreach (var check in new[] { "database", "draining", "cache", "maintenance", "quantum" })
        {
            Assert.NotNull(health["checks"]![check]);
        }
    }

    [Fact]
    public async Task Metrics_AfterAJob_ExposeTheDocumentedNames()
    {
        await using var service = new TestService();
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        var id = (await Api.SubmitAsync(client, Api.Job(Api.Problem(4), seed: 5)))["id"]!.GetValue<string>();
        Assert.Equal("completed", (await Api.WaitAsync(client, id))["status"]!.GetValue<string>());

        var text = await client.GetStringAsync("/metrics");
        foreach (var name in new[]
        {
            "quantum_solve_duration_seconds_bucket{backend=", "le=\"0.1\"", "le=\"30\"", "quantum_planner_error_rate",
            "quantum_planner_memory_usage_bytes", "optimization_queue_size", "optimization_jobs_total{status=\"completed\"",
            "classical_fallback_total", "http_requests_received_total", "http_request_duration_seconds", "process_cpu_seconds_total",
        })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OpenApi_Document_ListsEveryRoute()
    {
        await using var service = new TestService();
        using var client = service.Client();
        var document = await client.GetStringAsync("/openapi/v1.json");
        foreach (var route in new[] { "/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/result", "/api/v1/solve", "/api/v1/qubo/solve", "/api/v1/backends", "/api/v1/optimize/test", "/api/v1/admin/maintenance", "/api/v1/validate", "/api/v1/examples", "/api/v1/me", "/api/v1/jobs/{id}/gantt.svg", "/api/v1/jobs/{id}/problem" })
        {
            Assert.Contains($"\"{route}\"", document, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Maintenance_Enabled_RejectsNewJobsWith503AndKeepsReads()
    {
        await using var service = new TestService();
        using var admin = service.Client(await service.CreateKeyAsync("ops", admin: true));
        using var user = service.Client(await service.CreateKeyAsync("acme"));
        var before = (await Api.SubmitAsync(user, Api.Job(Api.Problem(2))))["id"]!.GetValue<string>();

        using var forbidden = await user.PutAsJsonAsync("/api/v1/admin/maintenance", new { enabled = true, message = "nope" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var on = await admin.PutAsJsonAsync("/api/v1/admin/maintenance", new { enabled = true, message = "database upgrade" });
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        using var rejected = await user.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(2))));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.StatusCode);
        Assert.NotNull(rejected.Headers.RetryAfter);
        using var read = await user.GetAsync($"/api/v1/jobs/{before}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var health = await user.GetFromJsonAsync<JsonObject>("/health");
        Assert.Contains("database upgrade", health!["checks"]!["maintenance"]!["description"]!.GetValue<string>(), StringComparison.Ordinal);

        using var off = await admin.PutAsJsonAsync("/api/v1/admin/maintenance", new { enabled = false });
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        using var accepted = await user.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(2), seed: 2)));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Fact]
    public async Task Maintenance_SwitchedInTheStoreFromOutside_IsSeenByARunningServiceWithinTheRefreshInterval()
    {
        await using var service = new TestService();
        using var user = service.Client(await service.CreateKeyAsync("acme"));
        using (var first = await user.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(2)))))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        // What 'qplan ops maintenance on' or another replica does: write the shared settings row.
        var store = service.Services.GetRequiredService<QuantumPlanner.Storage.IJobStore>();
        await QuantumPlanner.Storage.MaintenanceSetting.WriteAsync(store, true, "switched by ops", DateTimeOffset.UtcNow, CancellationToken.None);

        var deadline = DateTime.UtcNow + QuantumPlanner.Service.Workers.MaintenanceState.RefreshInterval + TimeSpan.FromSeconds(5);
        HttpStatusCode status;
        var seed = 10;
        do
        {
            await Task.Delay(200);
            using var submit = await user.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(2), seed: seed++)));
            status = submit.StatusCode;
        }
        while (status != HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
    }

    [Fact]
    public async Task RateLimit_Exceeded_Answers429WithRetryAfterPerKey()
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["RateLimitPermits"] = "3", ["RateLimitWindowSeconds"] = "60" });
        using var greedy = service.Client(await service.CreateKeyAsync("acme"));
        using var polite = service.Client(await service.CreateKeyAsync("acme"));
        for (var i = 0; i < 3; i++)
        {
            using var ok = await greedy.GetAsync("/api/v1/jobs");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await greedy.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        using var other = await polite.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Responses_CarrySecurityHeaders()
    {
        await using var service = new TestService();
        using var client = service.Client();
        using var response = await client.GetAsync("/health/live");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task NoAuth_OnLoopback_AcceptsRequestsWithoutKey()
    {
        await using var service = new TestService(new Dictionary<string, string?> { ["NoAuth"] = "true" });
        using var client = service.Client();
        using var response = await client.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void NoAuth_OnPublicAddress_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServiceApp.Build(["--urls", "http://0.0.0.0:18123", "--QuantumPlanner:NoAuth=true", "--QuantumPlanner:DataDir=" + Path.GetTempPath()]));
        Assert.Contains("no-auth", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://10.1.2.3:8080", false)]
    public void IsLoopback_Url_ClassifiesTheHost(string url, bool expected) => Assert.Equal(expected, ServiceApp.IsLoopback(url));

    [Fact]
    public async Task QuboSolve_UnknownSolverOrBadModel_Answers422WithEveryError()
    {
        await using var service = new TestService();
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        var body = new JsonObject { ["model"] = new JsonObject { ["vartype"] = "TERNARY" }, ["solver"] = "no-such-sampler" };
        using var response = await client.PostAsync("/api/v1/qubo/solve", Api.Json(body));
        var problem = await response.ReadObjectAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(2, problem["errors"]!.AsArray().Count);
    }

    [Fact]
    public async Task SubmitJob_QuantumBackendNameTheServiceRefuses_Answers422AndCountsNoFallback()
    {
        await using var service = new TestService();
        using var client = service.Client(await service.CreateKeyAsync("acme"));

        using var response = await client.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(4), backend: "quantum-magic")));
        var problem = await response.ReadObjectAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(problem["errors"]!.AsArray(), e => e!["code"]!.GetValue<string>() == "unknown-backend");
        var metrics = await client.GetStringAsync("/metrics");
        var fallbackSeries = metrics.Split('\n').Where(line => line.StartsWith("classical_fallback_total", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(fallbackSeries);
        Assert.All(fallbackSeries, line => Assert.EndsWith(" 0", line, StringComparison.Ordinal));
    }
}
