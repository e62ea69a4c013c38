using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service.Configuration;

namespace QuantumPlanner.Service.Mcp;

/// <summary>
/// The MCP tools (DESIGN.md §8), the same over stdio (<c>qplan mcp</c>) and streamable HTTP (<c>/mcp</c>). Every tool
/// answers JSON text; a call that cannot be done answers a tool error (isError) whose text names each issue and a fix,
/// so that an agent can correct its call.
/// </summary>
public sealed class PlannerTools(IPlanner planner, IOptions<QuantumPlannerOptions> options)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    [McpServerTool(Name = "plan_tasks", Title = "Plan tasks", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Assigns and schedules the tasks of a planning problem (agents with skills and availability, tasks with durations, dependencies and deadlines) and returns the plan: assignments (task, agent, start, end), score with per-term breakdown and hard violations, metrics, bound and gap. Same seed, same plan.")]
    public Task<CallToolResult> PlanTasks(
        [Description("The planning problem object (see the resource qplan://schemas/problem.json).")] JsonElement problem,
        [Description("Seconds the solver may use (default 10).")] double? timeLimitSeconds = null,
        [Description("auto (default), greedy, localsearch, exact, cpsat, cpsat-lns, ... (list_backends).")] string? backend = null,
        [Description("Random seed (default 1).")] long? seed = null,
        CancellationToken cancellationToken = default) =>
        AnswerAsync(() => planner.PlanAsync(new PlanArguments(problem, timeLimitSeconds, backend, seed), cancellationToken));

    [McpServerTool(Name = "validate_problem", Title = "Validate a problem", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Checks a planning problem without solving it and lists every issue (code, item, message, suggestion, line and column where known). A problem with issues is still a successful call: valid is false.")]
    public Task<CallToolResult> ValidateProblem(
        [Description("The planning problem object (see the resource qplan://schemas/problem.json).")] JsonElement problem,
        CancellationToken cancellationToken = default) => AnswerAsync(() => planner.ValidateAsync(problem, cancellationToken));

    [McpServerTool(Name = "submit_job", Title = "Submit a planning job", Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Queues a planning problem as a job and returns it at once (id, status). Use for long solves; poll with get_job, stop with cancel_job.")]
    public Task<CallToolResult> SubmitJob(
        [Description("The planning problem object (see the resource qplan://schemas/problem.json).")] JsonElement problem,
        RequestContext<CallToolRequestParams> context,
        [Description("Seconds the solver may use (default 10).")] double? timeLimitSeconds = null,
        [Description("auto (default) or a backend from list_backends.")] string? backend = null,
        [Description("Random seed (default 1).")] long? seed = null,
        [Description("Optional key chosen by the caller: resubmitting with it returns the first job instead of a new one.")] string? idempotencyKey = null,
        CancellationToken cancellationToken = default) => AnswerAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(context);
            return await planner.SubmitAsync(context.User, new PlanArguments(problem, timeLimitSeconds, backend, seed), idempotencyKey, cancellationToken).ConfigureAwait(false);
        });

    [McpServerTool(Name = "get_job", Title = "Get a job", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The job's status, timestamps and backend, and its plan once completed. waitSeconds > 0 waits until the job finishes or the wait runs out.")]
    public Task<CallToolResult> GetJob(
        [Description("The id submit_job returned.")] string jobId,
        RequestContext<CallToolRequestParams> context,
        [Description("Seconds to wait for the job to finish (0 to 30, default 0).")] double? waitSeconds = null,
        CancellationToken cancellationToken = default) => AnswerAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(context);
            var id = JobId(jobId);
            var maxWait = options.Value.MaxWaitSeconds;
            if (waitSeconds is { } w && (double.IsNaN(w) || w < 0 || w > maxWait))
            {
                throw new McpToolException($"waitSeconds {w.ToString(CultureInfo.InvariantCulture)} is outside 0..{maxWait}. Maybe waitSeconds: {Math.Min(10, maxWait)}.");
            }

            return await planner.GetJobAsync(context.User, id, TimeSpan.FromSeconds(waitSeconds ?? 0), cancellationToken).ConfigureAwait(false)
                ?? throw NotFound(id);
        });

    [McpServerTool(Name = "cancel_job", Title = "Cancel a job", Destructive = true, Idempotent = true, OpenWorld = false)]
    [Description("Cancels a queued or running job and returns it; a finished job is returned unchanged.")]
    public Task<CallToolResult> CancelJob(
        [Description("The id submit_job returned.")] string jobId,
        RequestContext<CallToolRequestParams> context,
        CancellationToken cancellationToken = default) => AnswerAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(context);
            var id = JobId(jobId);
            return await planner.CancelJobAsync(context.User, id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);
        });

    [McpServerTool(Name = "explain_plan", Title = "Explain a plan", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Scores a plan against its problem from scratch and explains it: the objective per term (weight × value), every hard violation, and each task's and agent's share (cost, lateness, workload), and with a baseline the tasks that moved. A plan naming tasks or agents the problem lacks is a tool error.")]
    public Task<CallToolResult> ExplainPlan(
        [Description("The planning problem object the plan is for.")] JsonElement problem,
        [Description("The plan object (as plan_tasks or get_job return it); only its assignments are read.")] JsonElement plan,
        CancellationToken cancellationToken = default) => AnswerAsync(() => planner.ExplainAsync(problem, plan, cancellationToken));

    [McpServerTool(Name = "list_backends", Title = "List backends", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The planning backends (name, kind, whether they can run here and why not) and the QUBO samplers.")]
    public Task<CallToolResult> ListBackends(CancellationToken cancellationToken = default) => AnswerAsync(() => planner.ListBackendsAsync(cancellationToken));

    internal static string Issues(IReadOnlyList<ValidationIssue> issues, List<string>? more = null)
    {
        var lines = new List<string>();
        foreach (var issue in issues)
        {
            var where = issue.Line is { } line ? $" (line {line}, column {issue.Column})" : string.Empty;
            lines.Add($"- {issue.Item}{where}: {issue.Message} {issue.Suggestion} [{issue.Code}]");
        }

        lines.AddRange(more ?? []);
        return $"The request has {lines.Count} issue(s):\n{string.Join('\n', lines)}";
    }

    private static Guid JobId(string jobId) => Guid.TryParse(jobId, out var id)
        ? id
        : throw new McpToolException($"jobId '{jobId}' is not a job id. Maybe pass the id that submit_job returned, like 0f8fad5b-d9cb-469f-a165-70867728950e.");

    private static McpToolException NotFound(Guid id) => new($"Job {id} was not found. Maybe it belongs to another tenant, the id is mistyped, or (qplan mcp) it was submitted to an earlier server process.");

    private static async Task<CallToolResult> AnswerAsync(Func<Task<string>> work)
    {
        try
        {
            return Text(await work().ConfigureAwait(false), isError: false);
        }
        catch (McpToolException ex)
        {
            return Text(ex.Message, isError: true);
        }
    }

    private static CallToolResult Text(string text, bool isError) => new() { IsError = isError, Content = [new TextContentBlock { Text = text }] };
}
