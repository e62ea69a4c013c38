using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using QuantumPlanner.Client;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// The service on the real PostgreSQL and Redis, including their outages and a killed worker process. The normal path
/// goes through QuantumPlanner.Client; the outage tests use a raw HttpClient on purpose: they check what the wire says
/// during the fault (each 503 and its Retry-After, the health routes), which the client's retries would absorb.
/// </summary>
public sealed class PostgresServiceTests
{
    [PostgresRedisFact]
    public async Task SubmitJob_OnPostgresWithRedis_CompletesAndRepeatsComeFromTheCache()
    {
        var db = await TestServices.CreateDatabaseAsync();
        await using var service = new TestService(new Dictionary<string, string?> { ["Db"] = db, ["Redis"] = TestServices.Redis });
        using var client = service.ApiClient(await service.CreateKeyAsync("acme"));
        var seed = Random.Shared.NextInt64(1, long.MaxValue);
        var first = (await client.SubmitAsync(new PlanRequest(Api.Problem(6)) { Seed = seed })).Id;
        Assert.Equal("completed", (await client.WaitAsync(first, TimeSpan.FromSeconds(30))).Status);

        var repeat = await client.SubmitAsync(new PlanRequest(Api.Problem(6)) { Seed = seed });
        Assert.NotEqual(first, repeat.Id);
        Assert.Equal("completed", repeat.Status);
        Assert.Equal(PlanningJson.Serialize(await client.GetResultAsync(first)), PlanningJson.Serialize(await client.GetResultAsync(repeat.Id)));
    }

    [PostgresFact]
    public async Task SubmitJob_ValueJsonbRefuses_Answers422NotAnOutage()
    {
        var db = await TestServices.CreateDatabaseAsync();
        await using var service = new TestService(new Dictionary<string, string?> { ["Db"] = db, ["Workers"] = "0" });
        using var client = service.Client(await service.CreateKeyAsync("acme"));

        using var response = await client.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(4, name: "plan\u0000b"))));
        var body = await response.Content.ReadAsStringAsync();
        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        Assert.Contains("22P05", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [PostgresFact]
    public async Task DatabaseOutage_SubmissionsAnswer503WhileReadyStays200_ThenRecoverWithoutLosingJobs()
    {
        var db = new Npgsql.NpgsqlConnectionStringBuilder(await TestServices.CreateDatabaseAsync());
        await using var proxy = new TcpProxy(db.Host!, db.Port);
        db.Host = "127.0.0.1";
        db.Port = proxy.Port;
        db.Timeout = 2;
        db.CommandTimeout = 5;
        await using var service = new TestService(new Dictionary<string, string?> { ["Db"] = db.ConnectionString, ["Workers"] = "0" });
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        var accepted = (await Api.SubmitAsync(client, Api.Job(Api.Problem(4), seed: 3)))["id"]!.GetValue<string>();

        proxy.Cut();
        Npgsql.NpgsqlConnection.ClearAllPools();
        // Readiness does not follow the database: every replica would turn unready at once and clients would get the
        // ingress's bare 502/503 instead of the service's 503 + Retry-After. /health/database reports the outage.
        using (var ready = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        using (var database = await client.GetAsync("/health/database"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, database.StatusCode);
        }

        using (var live = await client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using (var submit = await client.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(4), seed: 4))))
        {
            var body = await submit.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, submit.StatusCode);
            Assert.NotNull(submit.Headers.RetryAfter);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        }

        proxy.Start();
        var end = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        do
        {
            using var database = await client.GetAsync("/health/database");
            status = database.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(200);
            }
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < end);

        Assert.Equal(HttpStatusCode.OK, status);
        using var after = await client.PostAsync("/api/v1/jobs", Api.Json(Api.Job(Api.Problem(4), seed: 5)));
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);

        // The job accepted before the outage is still there, and a worker started now completes it.
        await using var worker = new TestService(new Dictionary<string, string?> { ["Db"] = db.ConnectionString, ["Workers"] = "1" });
        _ = worker.Services;
        // A read may still meet a connection broken by the cut: it answers 503 + Retry-After (never 500), and a client
        // retries, as this one does.
        for (var retry = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(200))
        {
            using var probe = await client.GetAsync($"/api/v1/jobs/{accepted}");
            if (probe.IsSuccessStatusCode || DateTime.UtcNow > retry)
            {
                Assert.True(probe.IsSuccessStatusCode, await probe.Content.ReadAsStringAsync());
                break;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, probe.StatusCode);
            Assert.NotNull(probe.Headers.RetryAfter);
        }

        Assert.Equal("completed", (await Api.WaitAsync(client, accepted))["status"]!.GetValue<string>());
    }

    [PostgresRedisFact]
    public async Task RedisOutage_RequestsStillSucceedAndHealthIsDegraded()
    {
        var redis = TestServices.Redis!.Split(':');
        await using var proxy = new TcpProxy(redis[0], int.Parse(redis[1], System.Globalization.CultureInfo.InvariantCulture));
        var db = await TestServices.CreateDatabaseAsync();
        await using var service = new TestService(new Dictionary<string, string?> { ["Db"] = db, ["Redis"] = $"127.0.0.1:{proxy.Port},connectTimeout=500,syncTimeout=500,asyncTimeout=500,abortConnect=false" });
        using var client = service.Client(await service.CreateKeyAsync("acme"));
        var before = (await Api.SubmitAsync(client, Api.Job(Api.Problem(5), seed: 21)))["id"]!.GetValue<string>();
        Assert.Equal("completed", (await Api.WaitAsync(client, before))["status"]!.GetValue<string>());

        proxy.Cut();
        for (var i = 0; i < 3; i++)
        {
            var id = (await Api.SubmitAsync(client, Api.Job(Api.Problem(5), seed: 100 + i)))["id"]!.GetValue<string>();
            Assert.Equal("completed", (await Api.WaitAsync(client, id))["status"]!.GetValue<string>());
            using var result = await client.GetAsync($"/api/v1/jobs/{id}/result");
            Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        }

        using var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var report = await health.ReadObjectAsync();
        Assert.Equal("Degraded", report["checks"]!["cache"]!["status"]!.GetValue<string>());
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [PostgresFact]
    public async Task WorkerProcess_KilledMidJob_JobIsReclaimedAndCompletedOnce()
    {
        var db = await TestServices.CreateDatabaseAsync();
        var lease = new Dictionary<string, string?> { ["Db"] = db, ["LeaseSeconds"] = "2", ["HeartbeatSeconds"] = "1" };
        await using var api = new TestService(new Dictionary<string, string?>(lease) { ["Workers"] = "0" });
        using var client = api.Client(await api.CreateKeyAsync("acme"));
        var id = (await Api.SubmitAsync(client, Api.LongJob(timeLimit: 3)))["id"]!.GetValue<string>();

        var env = new Dictionary<string, string> { ["QuantumPlanner__LeaseSeconds"] = "2", ["QuantumPlanner__HeartbeatSeconds"] = "1", ["QuantumPlanner__PollMilliseconds"] = "100" };
        using (var worker = new QplanProcess(["worker", "--db", db, "--workers", "1", "--urls", $"http://127.0.0.1:{TestServices.FreePort()}"], env))
        {
            var running = await Api.WaitAsync(client, id, TimeSpan.FromSeconds(30), j => j["status"]!.GetValue<string>() != "queued");
            Assert.True(running["status"]!.GetValue<string>() == "running", $"{running.ToJsonString()}\n{worker.Output}");
            worker.Signal("KILL");
            Assert.True(await worker.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        }

        await using var rescuer = new TestService(new Dictionary<string, string?>(lease) { ["Workers"] = "1" });
        _ = rescuer.Services;
        var done = await Api.WaitAsync(client, id, TimeSpan.FromSeconds(40));
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.Equal(2, done["attempts"]!.GetValue<int>());
        using var result = await client.GetAsync($"/api/v1/jobs/{id}/result");
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var listed = await client.GetFromJsonAsync<JsonObject>("/api/v1/jobs?status=completed");
        Assert.Single(listed!["items"]!.AsArray(), item => item!["id"]!.GetValue<string>() == id);
    }
}
