using System.Security.Claims;

namespace QuantumPlanner.Service.Mcp;

/// <summary>A job the MCP job tools submit: the problem as the caller wrote it, already checked.</summary>
public sealed record McpJobRequest(string ProblemJson, int TaskCount, string Backend, int TimeLimitSeconds, long Seed)
{
    public string? IdempotencyKey { get; init; }

    /// <summary>The request as the jobs intake of <c>POST /api/v1/jobs</c> read it: validated problem and canonical hash.</summary>
    internal Api.ProblemRequest? Intake { get; init; }

    internal static McpJobRequest From(Api.ProblemRequest request) =>
        new(request.ProblemJson, request.Problem.Problem.Tasks.Count, request.Backend, request.TimeLimitSeconds, request.Seed)
        {
            IdempotencyKey = request.IdempotencyKey,
            Intake = request,
        };
}

/// <summary>
/// Where the MCP job tools keep jobs: the service's durable store under /mcp (the caller's tenant), or the stdio
/// server's own process (<c>qplan mcp</c>). Unknown ids and other tenants' jobs both answer null.
/// </summary>
public interface IPlannerJobs
{
    Task<JobView> SubmitAsync(ClaimsPrincipal? user, McpJobRequest request, CancellationToken cancellationToken);

    /// <summary>The job, after waiting up to <paramref name="wait"/> for it to finish; its plan JSON once completed.</summary>
    Task<(JobView Job, string? PlanJson)?> GetAsync(ClaimsPrincipal? user, Guid id, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>The job after the cancel; null when unknown. A finished job comes back unchanged.</summary>
    Task<JobView?> CancelAsync(ClaimsPrincipal? user, Guid id, CancellationToken cancellationToken);
}

/// <summary>A tool call that cannot be done; its message (naming the item and a fix) becomes the tool's error result.</summary>
public sealed class McpToolException : Exception
{
    public McpToolException()
    {
    }

    public McpToolException(string message)
        : base(message)
    {
    }

    public McpToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
