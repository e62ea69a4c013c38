using Microsoft.AspNetCore.Diagnostics;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Api;

/// <summary>One entry of the "errors" list of a problem details response.</summary>
public sealed record ApiError(string Code, string? Item, string Message, string? Suggestion);

/// <summary>RFC 7807 problem details for every error the API returns; no stack traces or paths leave the process.</summary>
internal static class ApiProblems
{
    public static IResult Problem(int status, string title, string detail, IReadOnlyList<ApiError>? errors = null, string? type = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (errors is { Count: > 0 })
        {
            extensions["errors"] = errors;
        }

        return Results.Problem(
            detail: detail,
            statusCode: status,
            title: title,
            type: type ?? $"https://quantum-planner.dev/problems/{status}",
            extensions: extensions);
    }

    public static IResult BadRequest(string detail, IReadOnlyList<ApiError>? errors = null) =>
        Problem(StatusCodes.Status400BadRequest, "The request is not valid JSON of the expected shape.", detail, errors);

    public static IResult Unprocessable(string detail, IReadOnlyList<ApiError> errors) =>
        Problem(StatusCodes.Status422UnprocessableEntity, "The problem is not valid.", detail, errors);

    public static IResult NotFound(string what) =>
        Problem(StatusCodes.Status404NotFound, "Not found.", $"{what} was not found. Maybe it belongs to another tenant or the id is mistyped.");

    public static IResult TooLarge(long limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large.", $"The body exceeds MaxBodyBytes = {limit} bytes. Maybe split the problem or raise QuantumPlanner:MaxBodyBytes.");

    public static IResult Unavailable(HttpContext context, int retryAfterSeconds, string detail)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, "Service unavailable.", detail);
    }

    /// <summary>True for outages of the database behind the store (unreachable, restarting, busy, full): retry later.</summary>
    public static bool IsStoreOutage(Exception exception) => StoreErrors.Classify(exception) is StoreErrorKind.Transient or StoreErrorKind.Full;
}

/// <summary>Maps exceptions to problem details: store outage → 503 + Retry-After, oversize body → 413, else a bare 500.</summary>
internal sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger, Microsoft.Extensions.Options.IOptions<QuantumPlannerOptions> options) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        IResult result;
        if (exception is BadHttpRequestException bad)
        {
            result = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? ApiProblems.TooLarge(options.Value.MaxBodyBytes)
                : ApiProblems.Problem(bad.StatusCode, "Bad request.", "The request could not be read. Maybe the body or a header is malformed.");
        }
        else if (exception is JobQuotaExceededException quota)
        {
            httpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            result = ApiProblems.Problem(
                StatusCodes.Status429TooManyRequests,
                "Tenant quota reached.",
                quota.Message,
                [new ApiError("quota_exceeded", "MaxActiveJobsPerTenant", $"{quota.Quota} queued or running jobs.", "Wait for jobs to finish or cancel some.")]);
        }
        else if (StoreErrors.Classify(exception) == StoreErrorKind.Data)
        {
            // Retrying cannot help: the database refuses the values themselves (e.g. "\u0000" in a string for jsonb).
            result = ApiProblems.Unprocessable(
                $"The database refuses a value of this request: {StoreErrors.DataReason(exception)}. Maybe remove NUL (\\u0000) or other control characters from names and ids.",
                [new ApiError("value_refused_by_store", null, StoreErrors.DataReason(exception), "Remove NUL and control characters.")]);
        }
        else if (StoreErrors.Classify(exception) == StoreErrorKind.Full)
        {
            Log.StoreUnavailable(logger, httpContext.Request.Path, exception.GetType().Name);
            httpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            result = ApiProblems.Problem(StatusCodes.Status507InsufficientStorage, "Insufficient storage.", "The job store has no space left; nothing was stored. Maybe retry after the time in Retry-After; accepted jobs are kept.");
        }
        else if (ApiProblems.IsStoreOutage(exception))
        {
            Log.StoreUnavailable(logger, httpContext.Request.Path, exception.GetType().Name);
            result = ApiProblems.Unavailable(httpContext, options.Value.RetryAfterSeconds, "The job store is unreachable. Maybe retry after the time in Retry-After; accepted jobs are kept.");
        }
        else if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }
        else
        {
            Log.Unhandled(logger, httpContext.Request.Path, exception);
            result = ApiProblems.Problem(StatusCodes.Status500InternalServerError, "Internal error.", "The service failed to answer this request. The error is logged; maybe retry.");
        }

        await result.ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }
}

/// <summary>Keeps the serializer out of ProblemDetails' way when the app uses Results.Problem.</summary>
internal static class ProblemDetailsDefaults
{
    public static void Configure(ProblemDetailsOptions options) => options.CustomizeProblemDetails = static context =>
    {
        context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        context.ProblemDetails.Extensions.Remove("exception");
    };
}
