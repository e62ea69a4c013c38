namespace QuantumPlanner.SapiServer;

/// <summary>Faults a test switches on to see how the client copes. Each counter is used up one request at a time.</summary>
public sealed class FaultInjection
{
    private int submitRateLimits;
    private int pollFailures;

    /// <summary>The next N problem submissions get 429 with Retry-After: <see cref="RetryAfterSeconds"/>.</summary>
    public int SubmitRateLimits { get => submitRateLimits; set => submitRateLimits = value; }

    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Every submission gets 429 without Retry-After: the account's quota is spent.</summary>
    public bool QuotaExhausted { get; set; }

    /// <summary>The next N polls answer 500.</summary>
    public int PollFailures { get => pollFailures; set => pollFailures = value; }

    /// <summary>The next problem fails with this message.</summary>
    public string? FailNextWith { get; set; }

    /// <summary>The QPU solver reports OFFLINE and problems sent to it fail with "solver is offline".</summary>
    public bool QpuOffline { get; set; }

    /// <summary>Problems stay IN_PROGRESS at least this long.</summary>
    public TimeSpan SolveDelay { get; set; }

    internal bool TakeSubmitRateLimit() => Take(ref submitRateLimits);

    internal bool TakePollFailure() => Take(ref pollFailures);

    private static bool Take(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
