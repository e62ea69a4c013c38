using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Client;

/// <summary>
/// Typed client of the QuantumPlanner HTTP API (/api/v1, docs/api.md): durable jobs, synchronous and QUBO solves, the
/// backend list. Requests the service refuses for a while (429, 503) are retried after its Retry-After, within
/// <see cref="QuantumPlannerClientOptions.MaxRetries"/>; every other error answer is thrown as a
/// <see cref="QuantumPlannerException"/> subclass carrying the problem details.
/// </summary>
public sealed class QuantumPlannerClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly QuantumPlannerClientOptions options;

    /// <summary>A client over <paramref name="http"/>, whose BaseAddress is the service root (e.g. http://127.0.0.1:8080/).</summary>
    public QuantumPlannerClient(HttpClient http, QuantumPlannerClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.BaseAddress is null)
        {
            throw new ArgumentException("The HttpClient has no BaseAddress. Maybe set it to the service root, e.g. http://127.0.0.1:8080/.", nameof(http));
        }

        this.http = http;
        this.options = options ?? new QuantumPlannerClientOptions();
    }

    /// <summary>A client with its own HttpClient for <paramref name="baseAddress"/>.</summary>
    public QuantumPlannerClient(Uri baseAddress, QuantumPlannerClientOptions? options = null)
        : this(new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) }, options) => ownsHttp = true;

    /// <summary>Queues a job (POST /api/v1/jobs); an idempotency key seen before answers the earlier job.</summary>
    public Task<Job> SubmitAsync(PlanRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<Job>(HttpMethod.Post, "api/v1/jobs", request.ToBody(), cancellationToken);
    }

    public Task<Job> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Get, $"api/v1/jobs/{id}", null, cancellationToken);

    /// <summary>
    /// Long-polls the job (GET /api/v1/jobs/{id}?waitSeconds=N) until it is finished or <paramref name="timeout"/>
    /// (no limit when null) runs out, and returns it as it then is: check <see cref="Job.IsFinished"/>.
    /// </summary>
    public async Task<Job> WaitAsync(Guid id, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var deadline = timeout is { } t ? DateTimeOffset.UtcNow + t : DateTimeOffset.MaxValue;
        while (true)
        {
            var left = deadline == DateTimeOffset.MaxValue ? options.LongPollSeconds : Math.Min(options.LongPollSeconds, (deadline - DateTimeOffset.UtcNow).TotalSeconds);
            var wait = Math.Max(0, Math.Round(left, 1));
            var job = await SendAsync<Job>(HttpMethod.Get, $"api/v1/jobs/{id}?waitSeconds={wait.ToString(CultureInfo.InvariantCulture)}", null, cancellationToken).ConfigureAwait(false);
            if (job.IsFinished || DateTimeOffset.UtcNow >= deadline)
            {
                return job;
            }
        }
    }

    /// <summary>The plan of a completed job; a failed, cancelled or unfinished job throws <see cref="ConflictException"/>.</summary>
    public async Task<Plan> GetResultAsync(Guid id, CancellationToken cancellationToken = default) =>
        PlanningJson.DeserializePlan(await SendTextAsync(HttpMethod.Get, $"api/v1/jobs/{id}/result", null, cancellationToken).ConfigureAwait(false));

    /// <summary>The job's best objective over time, as its worker reported it (stored, so also after it finished).</summary>
    public Task<ProgressHistory> GetProgressAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<ProgressHistory>(HttpMethod.Get, $"api/v1/jobs/{id}/progress", null, cancellationToken);

    /// <summary>Cancels a queued or running job; a finished one throws <see cref="ConflictException"/>.</summary>
    public Task<Job> CancelAsync(Guid id, CancellationToken cancellationToken = default) =>
        SendAsync<Job>(HttpMethod.Delete, $"api/v1/jobs/{id}", null, cancellationToken);

    /// <summary>One page of the tenant's jobs, newest first; <paramref name="status"/> filters (queued, running, ...).</summary>
    public Task<JobPage> ListAsync(string? status = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (status is not null)
        {
            query.Add("status=" + Uri.EscapeDataString(status));
        }

        if (limit is { } l)
        {
            query.Add("limit=" + l.ToString(CultureInfo.InvariantCulture));
        }

        if (cursor is not null)
        {
            query.Add("cursor=" + Uri.EscapeDataString(cursor));
        }

        return SendAsync<JobPage>(HttpMethod.Get, "api/v1/jobs" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty), null, cancellationToken);
    }

    /// <summary>
    /// Submits, waits and fetches the plan: the durable way to solve, for any time limit. A job that fails or is
    /// cancelled throws <see cref="ConflictException"/>; one still running at <paramref name="timeout"/> throws
    /// <see cref="TimeoutException"/> (the job goes on; its id is in the message).
    /// </summary>
    public async Task<Plan> PlanAsync(PlanRequest request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var job = await SubmitAsync(request, cancellationToken).ConfigureAwait(false);
        job = await WaitAsync(job.Id, timeout, cancellationToken).ConfigureAwait(false);
        if (!job.IsFinished)
        {
            throw new TimeoutException($"Job {job.Id} is still {job.Status} after {timeout}. Maybe wait longer, or fetch it later with GET /api/v1/jobs/{job.Id}.");
        }

        return await GetResultAsync(job.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Solves within the request (POST /api/v1/solve), for small problems: the service bounds its time limit.</summary>
    public async Task<Plan> SolveAsync(PlanRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PlanningJson.DeserializePlan(await SendTextAsync(HttpMethod.Post, "api/v1/solve", request.ToBody(), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Samples a raw binary quadratic model (POST /api/v1/qubo/solve).</summary>
    public Task<QuboResult> SolveQuboAsync(QuboRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<QuboResult>(HttpMethod.Post, "api/v1/qubo/solve", request.ToBody(), cancellationToken);
    }

    public Task<BackendList> GetBackendsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<BackendList>(HttpMethod.Get, "api/v1/backends", null, cancellationToken);

    /// <summary>
    /// Checks a problem without solving it (POST /api/v1/validate): every issue, with line and column of
    /// <paramref name="problemJson"/> where known. A problem with issues is an answer, not an exception.
    /// </summary>
    public Task<ProblemValidation> ValidateAsync(string problemJson, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problemJson);
        return SendPayloadAsync<ProblemValidation>(HttpMethod.Post, "api/v1/validate", problemJson, cancellationToken);
    }

    /// <summary>
    /// Rescores <paramref name="plan"/> against <paramref name="problem"/> on the service (POST /api/v1/explain): the
    /// objective per term, every hard violation, each task's and agent's share, the tasks moved against a baseline.
    /// Only the plan's assignments are read; one naming a task or agent the problem lacks throws
    /// <see cref="InvalidRequestException"/> naming it, as an invalid problem does.
    /// </summary>
    public Task<PlanExplanation> ExplainAsync(JsonObject problem, JsonObject plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        return SendAsync<PlanExplanation>(HttpMethod.Post, "api/v1/explain", RequestBody.Of(("problem", problem.DeepClone()), ("plan", plan.DeepClone())), cancellationToken);
    }

    /// <summary>Explains a plan of a problem built in code (see the overload on JSON objects).</summary>
    public Task<PlanExplanation> ExplainAsync(PlanningProblem problem, Plan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        return ExplainAsync(JsonNode.Parse(PlanningJson.Serialize(problem))!.AsObject(), JsonNode.Parse(PlanningJson.Serialize(plan))!.AsObject(), cancellationToken);
    }

    /// <summary>The file names of the service's example problems (GET /api/v1/examples).</summary>
    public async Task<IReadOnlyList<string>> ListExamplesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<ExampleList>(HttpMethod.Get, "api/v1/examples", null, cancellationToken).ConfigureAwait(false)).Examples;

    /// <summary>One example problem as its file holds it (GET /api/v1/examples/{name}).</summary>
    public Task<string> GetExampleAsync(string name, CancellationToken cancellationToken = default) =>
        SendTextAsync(HttpMethod.Get, "api/v1/examples/" + Uri.EscapeDataString(name), null, cancellationToken);

    /// <summary>A published JSON Schema (GET /schemas/{name}: problem.json, plan.json).</summary>
    public Task<string> GetSchemaAsync(string name, CancellationToken cancellationToken = default) =>
        SendTextAsync(HttpMethod.Get, "schemas/" + Uri.EscapeDataString(name), null, cancellationToken);

    public void Dispose()
    {
        if (ownsHttp)
        {
            http.Dispose();
        }
    }

    private Task<T> SendAsync<T>(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken) =>
        SendPayloadAsync<T>(method, path, body?.ToJsonString(), cancellationToken);

    private async Task<T> SendPayloadAsync<T>(HttpMethod method, string path, string? payload, CancellationToken cancellationToken)
    {
        var text = await SendPayloadTextAsync(method, path, payload, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize<T>(text, Json) ?? throw new QuantumPlannerException($"{method} {path} answered JSON null. Maybe the URL points at something other than a QuantumPlanner service.");
    }

    private Task<string> SendTextAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken) =>
        SendPayloadTextAsync(method, path, body?.ToJsonString(), cancellationToken);

    /// <summary>One request with its retries; <paramref name="payload"/> is sent as it is (the validate route counts lines in it).</summary>
    private async Task<string> SendPayloadTextAsync(HttpMethod method, string path, string? payload, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (options.ApiKey is { Length: > 0 } key)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            if (payload is not null)
            {
                request.Content = new StringContent(payload, Encoding.UTF8, "application/json");
            }

            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return text;
            }

            var retryAfter = RetryAfterOf(response);
            var problem = ProblemOf(response, text, retryAfter);
            if (IsRetryable(problem) && attempt < options.MaxRetries)
            {
                var delay = retryAfter ?? options.DefaultRetryDelay * Math.Pow(2, attempt);
                if (delay <= options.MaxRetryDelay)
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }

            throw problem;
        }
    }

    /// <summary>
    /// 429 and 503 are refusals before any work was done, so even a POST is safe to send again; a synchronous solve
    /// that ran out of time (503 of type solve-overran) did the work and would run out again, so it is not retried.
    /// </summary>
    private static bool IsRetryable(QuantumPlannerException problem) =>
        problem.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
        && !string.Equals(problem.ProblemType, QuantumPlannerException.SolveOverranType, StringComparison.Ordinal);

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta;
        }

        return header.Date is { } date ? (date - DateTimeOffset.UtcNow) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero : null;
    }

    internal static QuantumPlannerException ProblemOf(HttpResponseMessage response, string text, TimeSpan? retryAfter)
    {
        var status = response.StatusCode;
        var title = response.ReasonPhrase ?? "Error.";
        string? detail = null;
        string? type = null;
        var errors = new List<ApiProblemError>();
        try
        {
            if (JsonNode.Parse(text) is JsonObject problem)
            {
                title = problem["title"]?.GetValue<string>() ?? title;
                detail = problem["detail"]?.GetValue<string>();
                type = problem["type"]?.GetValue<string>();
                if (problem["errors"] is JsonArray list)
                {
                    foreach (var item in list.OfType<JsonObject>())
                    {
                        errors.Add(new ApiProblemError(
                            item["code"]?.GetValue<string>() ?? "error",
                            item["item"]?.GetValue<string>(),
                            item["message"]?.GetValue<string>() ?? string.Empty,
                            item["suggestion"]?.GetValue<string>()));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Not problem details (a proxy's HTML page, a plain-text 502): keep the status and the start of the text.
            detail = text.Length > 200 ? text[..200] : text;
        }

        return QuantumPlannerException.From(status, title, detail, type, errors, retryAfter);
    }
}
