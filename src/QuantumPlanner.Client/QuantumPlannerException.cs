using System.Net;

namespace QuantumPlanner.Client;

/// <summary>One entry of the <c>errors</c> list of a problem details response: which item, what is wrong, a fix.</summary>
public sealed record ApiProblemError(string Code, string? Item, string Message, string? Suggestion);

/// <summary>
/// An RFC 7807 problem details response from the service (or a non-JSON error answer), with its status, title,
/// detail and itemised errors. Subclasses name the common cases so that callers can catch what they handle.
/// </summary>
public class QuantumPlannerException : Exception
{
    /// <summary>
    /// The <see cref="ProblemType"/> of a synchronous solve (SolveAsync, SolveQuboAsync) stopped one second after its
    /// time limit without an answer: thrown at once, not retried. Maybe submit the problem as a job instead.
    /// </summary>
    public const string SolveOverranType = "https://quantum-planner.dev/problems/solve-overran";

    public QuantumPlannerException()
        : this(HttpStatusCode.InternalServerError, "Error.", null, null, [], null)
    {
    }

    public QuantumPlannerException(string message)
        : base(message)
    {
        Errors = [];
    }

    public QuantumPlannerException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public QuantumPlannerException(HttpStatusCode status, string title, string? detail, string? type, IReadOnlyList<ApiProblemError> errors, TimeSpan? retryAfter)
        : base(Describe(status, title, detail, errors))
    {
        Status = status;
        Title = title;
        Detail = detail;
        ProblemType = type;
        Errors = errors ?? [];
        RetryAfter = retryAfter;
    }

    public HttpStatusCode Status { get; }

    public string? Title { get; }

    public string? Detail { get; }

    /// <summary>The problem's <c>type</c> URI.</summary>
    public string? ProblemType { get; }

    public IReadOnlyList<ApiProblemError> Errors { get; }

    /// <summary>The service's Retry-After, when it sent one (429, 503).</summary>
    public TimeSpan? RetryAfter { get; }

    internal static QuantumPlannerException From(HttpStatusCode status, string title, string? detail, string? type, IReadOnlyList<ApiProblemError> errors, TimeSpan? retryAfter) => (int)status switch
    {
        400 or 413 or 422 => new InvalidRequestException(status, title, detail, type, errors, retryAfter),
        401 or 403 => new UnauthorizedException(status, title, detail, type, errors, retryAfter),
        404 => new NotFoundException(status, title, detail, type, errors, retryAfter),
        409 => new ConflictException(status, title, detail, type, errors, retryAfter),
        429 => new RateLimitedException(status, title, detail, type, errors, retryAfter),
        503 => new ServiceUnavailableException(status, title, detail, type, errors, retryAfter),
        _ => new QuantumPlannerException(status, title, detail, type, errors, retryAfter),
    };

    private static string Describe(HttpStatusCode status, string title, string? detail, IReadOnlyList<ApiProblemError>? errors)
    {
        var text = $"{(int)status} {title}";
        if (!string.IsNullOrEmpty(detail))
        {
            text += " " + detail;
        }

        foreach (var error in errors ?? [])
        {
            text += $"\n  {error.Item ?? "-"}: {error.Message}" + (string.IsNullOrEmpty(error.Suggestion) ? string.Empty : " " + error.Suggestion);
        }

        return text;
    }
}

/// <summary>400, 413 or 422: malformed JSON, a body too large, or a problem with issues (each in <see cref="QuantumPlannerException.Errors"/>).</summary>
public sealed class InvalidRequestException(HttpStatusCode status, string title, string? detail, string? type, IReadOnlyList<ApiProblemError> errors, TimeSpan? retryAfter)
    : QuantumPlannerException(status, title, detail, type, errors, retryAfter);

/// <summary>401 or 403: no key, an unknown or revoked key, or a key without the needed role.</summary>
public sealed class UnauthorizedException(HttpStatusCode status, string title, string? detail, string? type, IReadOnlyList<ApiProblemError> errors, TimeSpan? retryAfter)
    : QuantumPlannerException(status, title, detail, type, errors, retryAfter);

/// <summary>404: no such job for this tenant (another tenant's jobs answer the same).</summary>
public sealed class NotFoundException(HttpStatusCode status, string title, string? detail, string? type, IReadOnlyList<ApiProblemError> errors, TimeSpan? retryAfter)
    : QuantumPlannerException(status, title, detail, type, errors, retryAfter);

/// <summary>409: the job is not in a state for this (no result yet, failed, cancelled, already finished).</summary>
public sealed class ConflictException(HttpStatusCode status, string title, string? detail, string? type, IReadOnlyList<ApiProblemError> errors, TimeSpan? retryAfter)
    : QuantumPlannerException(status, title, detail, type, errors, retryAfter);

/// <summary>429 after the retries ran out.</summary>
public sealed class RateLimitedException(HttpStatusCode status, string title, string? detail, string? type, IReadOnlyList<ApiProblemError> errors, TimeSpan? retryAfter)
    : QuantumPlannerException(status, title, detail, type, errors, retryAfter);

/// <summary>
/// 503 after the retries ran out (maintenance mode, the job store unreachable, the process's synchronous solves all
/// busy), or at once for a synchronous solve that ran out of time (<see cref="QuantumPlannerException.SolveOverranType"/>).
/// </summary>
public sealed class ServiceUnavailableException(HttpStatusCode status, string title, string? detail, string? type, IReadOnlyList<ApiProblemError> errors, TimeSpan? retryAfter)
    : QuantumPlannerException(status, title, detail, type, errors, retryAfter);
