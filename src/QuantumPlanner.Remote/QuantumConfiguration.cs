namespace QuantumPlanner.Remote;

/// <summary>
/// Where the remote annealing service is and how to authenticate. Read from the environment
/// (<c>QuantumPlanner__Quantum__Endpoint</c>, <c>QuantumPlanner__Quantum__Token</c>; in Kubernetes both come from the
/// Secret <c>quantum-planner-secrets</c>) or given directly. The token is never logged nor printed:
/// <see cref="ToString"/> masks it.
/// </summary>
public sealed record QuantumConfiguration
{
    public const string EndpointVariable = "QuantumPlanner__Quantum__Endpoint";
    public const string TokenVariable = "QuantumPlanner__Quantum__Token";

    /// <summary>The SAPI v2 base address, e.g. https://na-west-1.cloud.dwavesys.com/sapi/v2/.</summary>
    public required Uri Endpoint { get; init; }

    public required string Token { get; init; }

    /// <summary>Longest wait for one HTTP request; the vendor's client uses 60 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a remote call may take in all before the sampler gives up and falls back.</summary>
    public TimeSpan? RemoteTimeout { get; init; }

    /// <summary>The configuration from the environment, or null when no endpoint is configured.</summary>
    public static QuantumConfiguration? FromEnvironment(Func<string, string?>? lookup = null)
    {
        lookup ??= Environment.GetEnvironmentVariable;
        var endpoint = lookup(EndpointVariable);
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return null;
        }

        if (!Uri.TryCreate(endpoint.EndsWith('/') ? endpoint : endpoint + "/", UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"{EndpointVariable} is '{endpoint}', which is not an absolute URL. Maybe it lacks https://.");
        }

        var token = lookup(TokenVariable);
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new ArgumentException($"{EndpointVariable} is set but {TokenVariable} is empty. Maybe the Secret quantum-planner-secrets lacks the token.");
        }

        return new QuantumConfiguration { Endpoint = uri, Token = token };
    }

    public override string ToString() => $"QuantumConfiguration {{ Endpoint = {Endpoint}, Token = ***, RequestTimeout = {RequestTimeout} }}";
}
