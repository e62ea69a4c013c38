using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service.Api;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Solving;

namespace QuantumPlanner.Service.Mcp;

/// <summary>
/// The MCP tools over this process's pipeline: solves on <see cref="PlanningEngine"/>, jobs in <see cref="IPlannerJobs"/>
/// (the service's store under <c>/mcp</c>, this process under <c>qplan mcp</c>), resources from this build.
/// </summary>
public sealed class LocalPlanner(PlanningEngine engine, IPlannerJobs jobs, IOptions<QuantumPlannerOptions> options) : IPlanner
{
    public async Task<string> PlanAsync(PlanArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var request = Check(arguments.Problem, arguments.TimeLimitSeconds, arguments.Backend, arguments.Seed, options.Value.SyncMaxTimeLimitSeconds, nameof(QuantumPlannerOptions.SyncMaxTimeLimitSeconds), out var parsed);
        // Off the request's thread, as POST /api/v1/solve does: the solve holds a core for its whole time limit.
        var plan = await Task.Run(
            () => engine.Solve(parsed, request.Backend, new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(request.TimeLimitSeconds), Seed = (ulong)request.Seed }, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        return PlanningJson.Serialize(plan);
    }

    public Task<string> ValidateAsync(JsonElement problem, CancellationToken cancellationToken)
    {
        var checkedProblem = PlanningJson.Check(problem, "problem");
        return Task.FromResult(JsonSerializer.Serialize(ProblemsApi.ValidationReport.Of(checkedProblem), PlannerTools.Json));
    }

    public Task<string> ListBackendsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(JsonSerializer.Serialize(new { backends = engine.Backends(), samplers = PlanningEngine.SamplerNames }, PlannerTools.Json));

    public Task<string> ExplainAsync(JsonElement problem, JsonElement plan, CancellationToken cancellationToken)
    {
        var (request, rejection) = Api.ProblemRequestReader.ReadExplain(problem, plan, options.Value, engine);
        return request is null
            ? throw new McpToolException(rejection!.ToString())
            : Task.FromResult(JsonSerializer.Serialize(request.Explain(), PlannerTools.Json));
    }

    public async Task<string> SubmitAsync(ClaimsPrincipal? user, PlanArguments arguments, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var request = JobRequest(arguments.Problem, arguments.TimeLimitSeconds, arguments.Backend, arguments.Seed, idempotencyKey);
        return JsonSerializer.Serialize(await jobs.SubmitAsync(user, request, cancellationToken).ConfigureAwait(false), PlannerTools.Json);
    }

    public async Task<string?> GetJobAsync(ClaimsPrincipal? user, Guid id, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(user, id, wait, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return null;
        }

        var answer = JsonSerializer.SerializeToNode(found.Job, PlannerTools.Json)!.AsObject();
        if (found.PlanJson is { } plan)
        {
            answer["plan"] = JsonNode.Parse(plan);
        }

        return answer.ToJsonString(PlannerTools.Json);
    }

    public async Task<string?> CancelJobAsync(ClaimsPrincipal? user, Guid id, CancellationToken cancellationToken) =>
        await jobs.CancelAsync(user, id, cancellationToken).ConfigureAwait(false) is { } job ? JsonSerializer.Serialize(job, PlannerTools.Json) : null;

    public Task<string> ReadResourceAsync(string uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var text = uri.StartsWith(PlannerExamples.UriPrefix, StringComparison.Ordinal)
            ? PlannerExamples.All.FirstOrDefault(e => e.Name == uri[PlannerExamples.UriPrefix.Length..]).Json
            : uri.StartsWith(PlannerMcp.SchemaUriPrefix, StringComparison.Ordinal) ? PlanningSchemas.Find(uri[PlannerMcp.SchemaUriPrefix.Length..]) : null;
        return text is null
            ? throw new McpToolException($"No resource {uri}. Maybe one of resources/list.")
            : Task.FromResult(text);
    }

    /// <summary>Checks the problem and the solve settings; every issue at once, as one tool error.</summary>
    private McpJobRequest Check(JsonElement problem, double? timeLimitSeconds, string? backend, long? seed, int maxSeconds, string limitName, out ValidatedProblem parsed)
    {
        var messages = new List<string>();
        if (problem.ValueKind != JsonValueKind.Object)
        {
            throw new McpToolException($"problem is a JSON {problem.ValueKind.ToString().ToLowerInvariant()}, not an object. Maybe pass the problem object itself (qplan://schemas/problem.json), not a string holding it.");
        }

        var name = backend ?? "auto";
        if (!engine.IsKnownBackend(name))
        {
            messages.Add($"- backend: '{name}' is unknown. Maybe one of: {string.Join(", ", engine.BackendNames)}.");
        }

        var seconds = timeLimitSeconds ?? Math.Min(10, maxSeconds);
        if (double.IsNaN(seconds) || seconds <= 0 || seconds > maxSeconds)
        {
            messages.Add($"- timeLimitSeconds: {seconds.ToString(CultureInfo.InvariantCulture)} is outside (0, {maxSeconds}] ({limitName}). Maybe {Math.Min(10, maxSeconds)}.");
        }

        if (seed is < 0)
        {
            messages.Add($"- seed: {seed} is negative. Maybe 1.");
        }

        // Read from the SDK's element and validated once; the solve takes the validated problem as it is.
        var read = PlanningJson.ReadProblem(problem, "problem");
        var (valid, issues) = read.Problem is { } readable && read.Issues.Count == 0 ? ValidatedProblem.TryCreate(readable) : (null, read.Issues);
        var limits = options.Value;
        if (read.Problem is { } p && (p.Tasks.Count > limits.MaxTasks || p.Agents.Count > limits.MaxAgents))
        {
            messages.Add($"- problem: {p.Tasks.Count} tasks and {p.Agents.Count} agents exceed the limits MaxTasks = {limits.MaxTasks}, MaxAgents = {limits.MaxAgents}. Maybe split the problem.");
        }

        if (valid is null || messages.Count > 0)
        {
            throw new McpToolException(PlannerTools.Issues(issues, messages));
        }

        parsed = valid;
        return new McpJobRequest(problem.GetRawText(), valid.Problem.Tasks.Count, name, (int)Math.Ceiling(seconds), seed ?? 1);
    }

    /// <summary>
    /// submit_job's arguments, read by the intake of <c>POST /api/v1/jobs</c> (<see cref="Api.ProblemRequestReader"/>)
    /// straight from the element the MCP SDK parsed: the same defaults, limits, validation, baseline rules and hash,
    /// with no body written and parsed again.
    /// </summary>
    private McpJobRequest JobRequest(JsonElement problem, double? timeLimitSeconds, string? backend, long? seed, string? idempotencyKey)
    {
        var (request, rejection) = Api.ProblemRequestReader.Read(problem, backend, timeLimitSeconds, seed, idempotencyKey, options.Value, engine);
        return request is null ? throw new McpToolException(rejection!.ToString()) : McpJobRequest.From(request);
    }
}
