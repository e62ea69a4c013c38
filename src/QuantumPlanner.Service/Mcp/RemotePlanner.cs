using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using QuantumPlanner.Client;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Service.Mcp;

/// <summary>
/// The MCP tools over a running service (<c>qplan mcp --url U</c>), through <see cref="QuantumPlannerClient"/> with one
/// API key: plan_tasks and submit_job go through the service's jobs route (its limits, backends, quota and tenant),
/// validate_problem through /api/v1/validate, resources from its examples and schemas. The service's refusals
/// (problem details) come back as tool errors listing each item; an unreachable service or a refused key say so.
/// explain_plan goes through /api/v1/explain, so the service's limits and its version of the scorer apply.
/// </summary>
public sealed class RemotePlanner(QuantumPlannerClient client, Uri service) : IPlanner
{
    // The solve's own time plus room for the service's queue; the job goes on if this runs out (get_job finds it).
    private static readonly TimeSpan WaitMargin = TimeSpan.FromMinutes(2);

    public Task<string> PlanAsync(PlanArguments arguments, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var request = Request(arguments, null);
        var plan = await client.PlanAsync(request, TimeSpan.FromSeconds(request.TimeLimitSeconds ?? 10) + WaitMargin, cancellationToken).ConfigureAwait(false);
        return PlanningJson.Serialize(plan);
    });

    public Task<string> ValidateAsync(JsonElement problem, CancellationToken cancellationToken) => CallAsync(async () =>
        JsonSerializer.Serialize(await client.ValidateAsync(problem.GetRawText(), cancellationToken).ConfigureAwait(false), PlannerTools.Json));

    public Task<string> ListBackendsAsync(CancellationToken cancellationToken) => CallAsync(async () =>
        JsonSerializer.Serialize(await client.GetBackendsAsync(cancellationToken).ConfigureAwait(false), PlannerTools.Json));

    public Task<string> ExplainAsync(JsonElement problem, JsonElement plan, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        var problemObject = Object(problem, "problem", "the problem object itself (qplan://schemas/problem.json)");
        var planObject = Object(plan, "plan", "the plan object plan_tasks or get_job returned");
        return JsonSerializer.Serialize(await client.ExplainAsync(problemObject, planObject, cancellationToken).ConfigureAwait(false), PlannerTools.Json);
    });

    public Task<string> SubmitAsync(ClaimsPrincipal? user, PlanArguments arguments, string? idempotencyKey, CancellationToken cancellationToken) => CallAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return JsonSerializer.Serialize(await client.SubmitAsync(Request(arguments, idempotencyKey), cancellationToken).ConfigureAwait(false), PlannerTools.Json);
    });

    public Task<string?> GetJobAsync(ClaimsPrincipal? user, Guid id, TimeSpan wait, CancellationToken cancellationToken) => CallAsync<string?>(async () =>
    {
        Job job;
        try
        {
            job = wait > TimeSpan.Zero
                ? await client.WaitAsync(id, wait, cancellationToken).ConfigureAwait(false)
                : await client.GetAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }

        var answer = JsonSerializer.SerializeToNode(job, PlannerTools.Json)!.AsObject();
        if (job.Status == "completed")
        {
            answer["plan"] = JsonNode.Parse(PlanningJson.Serialize(await client.GetResultAsync(id, cancellationToken).ConfigureAwait(false)));
        }

        return answer.ToJsonString(PlannerTools.Json);
    });

    public Task<string?> CancelJobAsync(ClaimsPrincipal? user, Guid id, CancellationToken cancellationToken) => CallAsync<string?>(async () =>
    {
        try
        {
            return JsonSerializer.Serialize(await client.CancelAsync(id, cancellationToken).ConfigureAwait(false), PlannerTools.Json);
        }
        catch (NotFoundException)
        {
            return null;
        }
        catch (ConflictException)
        {
            // Already finished: cancel_job answers the job unchanged, as it does locally.
            return JsonSerializer.Serialize(await client.GetAsync(id, cancellationToken).ConfigureAwait(false), PlannerTools.Json);
        }
    });

    public async Task<string> ReadResourceAsync(string uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        try
        {
            return await CallAsync(() => uri.StartsWith(PlannerExamples.UriPrefix, StringComparison.Ordinal)
                ? client.GetExampleAsync(uri[PlannerExamples.UriPrefix.Length..], cancellationToken)
                : client.GetSchemaAsync(uri[PlannerMcp.SchemaUriPrefix.Length..], cancellationToken)).ConfigureAwait(false);
        }
        catch (McpToolException ex)
        {
            // A resource read has no tool-error result; an McpException's message reaches the client as it is.
            throw new McpException($"{uri}: {ex.Message}", ex);
        }
    }

    private static JsonObject Object(JsonElement value, string name, string what) => value.ValueKind == JsonValueKind.Object
        ? JsonNode.Parse(value.GetRawText())!.AsObject()
        : throw new McpToolException($"{name} is a JSON {value.ValueKind.ToString().ToLowerInvariant()}, not an object. Maybe pass {what}, not a string holding it.");

    private static PlanRequest Request(PlanArguments arguments, string? idempotencyKey)
    {
        var problem = Object(arguments.Problem, "problem", "the problem object itself (qplan://schemas/problem.json)");
        if (arguments.TimeLimitSeconds is { } seconds && !double.IsFinite(seconds))
        {
            throw new McpToolException($"timeLimitSeconds {seconds.ToString(CultureInfo.InvariantCulture)} is not a number of seconds. Maybe 10.");
        }

        return new PlanRequest(problem)
        {
            Backend = arguments.Backend ?? "auto",
            TimeLimitSeconds = arguments.TimeLimitSeconds,
            Seed = arguments.Seed,
            IdempotencyKey = idempotencyKey,
        };
    }

    /// <summary>Runs one call to the service, turning its refusals into tool errors that name each item and a fix.</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (UnauthorizedException ex)
        {
            throw new McpToolException($"{service} refused the API key ({(int)ex.Status} {ex.Title}). Maybe start qplan mcp with --api-key KEY or set QP_API_KEY; an admin creates keys with 'qplan keys create --tenant NAME'.", ex);
        }
        catch (QuantumPlannerException ex) when (ex.Errors.Count > 0)
        {
            var lines = ex.Errors.Select(e => $"- {e.Item ?? "-"}: {e.Message} {e.Suggestion} [{e.Code}]").ToList();
            throw new McpToolException($"{service} refused the request ({(int)ex.Status} {ex.Title}): the request has {lines.Count} issue(s):\n{string.Join('\n', lines)}", ex);
        }
        catch (QuantumPlannerException ex)
        {
            throw new McpToolException($"{service} answered {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new McpToolException($"{service} is unreachable: {ex.Message}. Maybe start it with 'qplan serve', or check qplan mcp --url.", ex);
        }
        catch (TimeoutException ex)
        {
            throw new McpToolException(ex.Message + " Maybe call get_job with that id later.", ex);
        }
    }
}
