using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// One service instance through WebApplicationFactory, on its own SQLite data directory (or the PostgreSQL / Redis
/// given), with settings as configuration keys under "QuantumPlanner".
/// </summary>
internal sealed class TestService : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> factory;
    private readonly string dataDir;
    private readonly bool ownsDataDir;

    public TestService(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        dataDir = Path.Combine(Path.GetTempPath(), "qp-service-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var all = new Dictionary<string, string?>
        {
            ["QuantumPlanner:DataDir"] = dataDir,
            ["QuantumPlanner:Workers"] = "2",
            ["QuantumPlanner:BootstrapAdminKey"] = "false",
            ["QuantumPlanner:PollMilliseconds"] = "50",
            ["QuantumPlanner:HeartbeatSeconds"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key.Contains(':', StringComparison.Ordinal) ? key : "QuantumPlanner:" + key] = value;
        }

        ownsDataDir = all["QuantumPlanner:DataDir"] == dataDir;

        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            foreach (var (key, value) in all)
            {
                builder.UseSetting(key, value);
            }

            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        });
    }

    public IServiceProvider Services => factory.Services;

    /// <summary>The data directory this instance created; another instance given it as "DataDir" shares the store.</summary>
    public string DataDir => dataDir;

    public HttpClient Client(string? key = null)
    {
        var client = factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>
    /// The typed client (QuantumPlanner.Client) over this instance, with <paramref name="key"/> when given; its requests
    /// pass through <paramref name="handlers"/> (e.g. one that records what the service answered).
    /// </summary>
    public QuantumPlanner.Client.QuantumPlannerClient ApiClient(string? key = null, QuantumPlanner.Client.QuantumPlannerClientOptions? options = null, params DelegatingHandler[] handlers)
    {
        // A copy: the caller's options may be shared by clients of other keys.
        var given = options ?? new QuantumPlanner.Client.QuantumPlannerClientOptions();
        var own = new QuantumPlanner.Client.QuantumPlannerClientOptions
        {
            ApiKey = key ?? given.ApiKey,
            MaxRetries = given.MaxRetries,
            MaxRetryDelay = given.MaxRetryDelay,
            DefaultRetryDelay = given.DefaultRetryDelay,
            LongPollSeconds = given.LongPollSeconds,
        };
        return new QuantumPlanner.Client.QuantumPlannerClient(handlers.Length > 0 ? factory.CreateDefaultClient(handlers) : Client(), own);
    }

    public async Task<string> CreateKeyAsync(string tenant, bool admin = false)
    {
        var keys = Services.GetRequiredService<IApiKeyStore>();
        await keys.MigrateAsync().ConfigureAwait(false);
        return (await keys.CreateAsync(tenant, admin).ConfigureAwait(false)).PlainKey;
    }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync().ConfigureAwait(false);
        if (!ownsDataDir)
        {
            return;
        }

        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned eventually.
        }
    }
}

/// <summary>Requests and problems the tests share.</summary>
internal static class Api
{
    /// <summary>A feasible problem: <paramref name="tasks"/> tasks over three agents, every fourth depending on the one before.</summary>
    public static JsonObject Problem(int tasks = 6, string name = "test")
    {
        var list = new JsonArray();
        for (var t = 0; t < tasks; t++)
        {
            var task = new JsonObject { ["id"] = $"t{t}", ["requiredSkills"] = new JsonArray(t % 2 == 0 ? "x" : "y"), ["duration"] = 1 + (t % 3) };
            if (t % 4 == 3)
            {
                task["dependsOn"] = new JsonArray($"t{t - 1}");
            }

            list.Add(task);
        }

        return new JsonObject
        {
            ["name"] = name,
            ["agents"] = new JsonArray(
                new JsonObject { ["id"] = "a1", ["skills"] = new JsonArray("x", "y") },
                new JsonObject { ["id"] = "a2", ["skills"] = new JsonArray("x") },
                new JsonObject { ["id"] = "a3", ["skills"] = new JsonArray("y") }),
            ["tasks"] = list,
        };
    }

    public static JsonObject Job(JsonObject problem, string backend = "auto", double timeLimit = 5, long seed = 1, string? idempotencyKey = null)
    {
        var body = new JsonObject { ["problem"] = problem, ["backend"] = backend, ["timeLimitSeconds"] = timeLimit, ["seed"] = seed };
        if (idempotencyKey is not null)
        {
            body["idempotencyKey"] = idempotencyKey;
        }

        return body;
    }

    /// <summary>A job that keeps local search busy for its whole time limit (many tasks, no proof of optimality).</summary>
    public static JsonObject LongJob(double timeLimit = 60, long seed = 1) => Job(Problem(300, "long"), "localsearch", timeLimit, seed);

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response) =>
        (JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false)) as JsonObject)
        ?? throw new InvalidOperationException("The response is not a JSON object.");

    public static async Task<JsonObject> SubmitAsync(HttpClient client, JsonObject body)
    {
        using var response = await client.PostAsync("/api/v1/jobs", Json(body)).ConfigureAwait(false);
        var json = await response.ReadObjectAsync().ConfigureAwait(false);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/v1/jobs answered {(int)response.StatusCode}: {json.ToJsonString()}");
        return json;
    }

    /// <summary>Polls until the job leaves queued/running (or the wait runs out), returning the last view.</summary>
    public static async Task<JsonObject> WaitAsync(HttpClient client, string id, TimeSpan? timeout = null, Func<JsonObject, bool>? until = null)
    {
        until ??= job => job["status"]!.GetValue<string>() is not ("queued" or "running");
        var end = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var job = await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{id}").ConfigureAwait(false) ?? throw new InvalidOperationException("empty job");
            if (until(job) || DateTime.UtcNow > end)
            {
                return job;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }
}
