namespace QuantumPlanner.Remote.Sapi;

/// <summary>Why a remote call did not give an answer; the sampler's fallback reports it.</summary>
public enum RemoteFailure
{
    /// <summary>No connection, DNS failure, reset, or 5xx after the retries allowed.</summary>
    Unreachable,

    /// <summary>The call or the problem took longer than the budget.</summary>
    Timeout,

    /// <summary>429 without a usable Retry-After, or the account's quota is spent.</summary>
    Quota,

    /// <summary>The solver's status is not ONLINE, or a problem failed with "solver is offline".</summary>
    Offline,

    /// <summary>401/403: the token is wrong or lacks access to the solver.</summary>
    Unauthorized,

    /// <summary>The service refused the problem (400, 404, FAILED with a message, malformed answer).</summary>
    Rejected,
}

/// <summary>A SAPI call that failed, with the HTTP status and the service's error_code/error_msg when it sent them.</summary>
public sealed class SapiException : Exception
{
    public SapiException(RemoteFailure failure, string message, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        StatusCode = statusCode;
    }

    public SapiException()
    {
    }

    public SapiException(string message)
        : base(message)
    {
    }

    public SapiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RemoteFailure Failure { get; } = RemoteFailure.Rejected;

    public int? StatusCode { get; }

    /// <summary>The reason label used in results and in <c>classical_fallback_total{reason}</c>.</summary>
    public string Reason => Failure.ToString().ToLowerInvariant();

    /// <summary>Whether falling back to a local sampler is the right answer (an outage, not a bad problem).</summary>
    public bool IsOutage => Failure is RemoteFailure.Unreachable or RemoteFailure.Timeout or RemoteFailure.Quota or RemoteFailure.Offline;
}
