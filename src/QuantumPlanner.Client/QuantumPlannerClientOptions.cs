namespace QuantumPlanner.Client;

/// <summary>How a <see cref="QuantumPlannerClient"/> talks to the service.</summary>
public sealed class QuantumPlannerClientOptions
{
    /// <summary>Sent as <c>Authorization: Bearer KEY</c>; null sends none (a service run with --no-auth).</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Retries of a request the service refused with 429 or 503 (rate limit, maintenance, store outage), each after
    /// the service's Retry-After. 0 turns retries off.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>A Retry-After longer than this is not waited for: the refusal is thrown at once.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait used when a refusal carries no Retry-After; doubled on each retry.</summary>
    public TimeSpan DefaultRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Seconds one long-poll request may wait (the <c>waitSeconds</c> parameter); at most the service's
    /// MaxWaitSeconds (30 by default). <see cref="QuantumPlannerClient.WaitAsync"/> repeats it until its own timeout.
    /// </summary>
    public int LongPollSeconds { get; set; } = 25;
}
