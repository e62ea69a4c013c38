using System.Security.Claims;
using System.Text.Json;

namespace QuantumPlanner.Service.Mcp;

/// <summary>The arguments plan_tasks and submit_job share, as the agent sent them (defaults still unapplied).</summary>
public sealed record PlanArguments(JsonElement Problem, double? TimeLimitSeconds, string? Backend, long? Seed);

/// <summary>
/// What the MCP tools ask of the planner behind them: this process's pipeline (<see cref="LocalPlanner"/>, for
/// <c>qplan mcp</c> and <c>/mcp</c>) or a running service reached through QuantumPlanner.Client
/// (<see cref="RemotePlanner"/>, for <c>qplan mcp --url</c>). Answers are the tools' JSON text; a call that cannot be
/// done throws <see cref="McpToolException"/> naming each issue and a fix.
/// </summary>
public interface IPlanner
{
    /// <summary>The plan JSON of a solve within the call.</summary>
    Task<string> PlanAsync(PlanArguments arguments, CancellationToken cancellationToken);

    /// <summary>The validation report (valid, counts, issues); an invalid problem is an answer, not an error.</summary>
    Task<string> ValidateAsync(JsonElement problem, CancellationToken cancellationToken);

    Task<string> ListBackendsAsync(CancellationToken cancellationToken);

    /// <summary>The plan rescored against its problem (<see cref="Core.Planning.PlanExplanation"/>), by the intake of POST /api/v1/explain.</summary>
    Task<string> ExplainAsync(JsonElement problem, JsonElement plan, CancellationToken cancellationToken);

    /// <summary>The queued job (id, status, links).</summary>
    Task<string> SubmitAsync(ClaimsPrincipal? user, PlanArguments arguments, string? idempotencyKey, CancellationToken cancellationToken);

    /// <summary>The job after waiting up to <paramref name="wait"/>, with its plan once completed; null when unknown.</summary>
    Task<string?> GetJobAsync(ClaimsPrincipal? user, Guid id, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>The job after the cancel; null when unknown.</summary>
    Task<string?> CancelJobAsync(ClaimsPrincipal? user, Guid id, CancellationToken cancellationToken);

    /// <summary>The text of a resource: an example (<c>qplan://examples/NAME</c>) or a schema (<c>qplan://schemas/NAME</c>).</summary>
    Task<string> ReadResourceAsync(string uri, CancellationToken cancellationToken);
}
