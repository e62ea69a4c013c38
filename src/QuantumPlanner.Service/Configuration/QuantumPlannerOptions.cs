using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Configuration;

/// <summary>
/// Every setting of the service, bound from the configuration section "QuantumPlanner"
/// (appsettings.json, environment variables QuantumPlanner__Name, command-line flags). docs/runbooks/service.md lists them.
/// </summary>
public sealed class QuantumPlannerOptions
{
    public const string Section = "QuantumPlanner";

    /// <summary>PostgreSQL connection string; empty means the embedded SQLite store in <see cref="DataDir"/>. Falls back to QP_DB.</summary>
    public string? Db { get; set; }

    /// <summary>Redis endpoint ("host:port,..."); empty means the in-memory cache. Falls back to QP_REDIS.</summary>
    public string? Redis { get; set; }

    /// <summary>Folder of the SQLite store; default under the user's local data folder.</summary>
    public string? DataDir { get; set; }

    /// <summary>In-process workers (concurrent jobs); 0 runs the API only.</summary>
    public int Workers { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Serve the HTTP API; false for a worker-only process (health and metrics stay).</summary>
    public bool Api { get; set; } = true;

    /// <summary>Accept requests without an API key; allowed only when every URL is a loopback address.</summary>
    public bool NoAuth { get; set; }

    /// <summary>Create and print an admin key on first start when the store has no key.</summary>
    public bool BootstrapAdminKey { get; set; } = true;

    public int CacheTtlSeconds { get; set; } = 3600;

    /// <summary>Size bound of the in-memory result cache (used without Redis), in MiB of stored plan JSON.</summary>
    public int MemoryCacheMegabytes { get; set; } = 8;

    /// <summary>
    /// Size bound of the in-process copy of finished jobs that GET /api/v1/jobs/{id} and /result answer without the
    /// database (finished jobs never change), in MiB; 0 turns it off.
    /// </summary>
    public int FinishedJobCacheMegabytes { get; set; } = 4;

    /// <summary>After a busy period, how long the process must be quiet before it returns free memory to the OS; 0 never.</summary>
    public int IdleTrimSeconds { get; set; } = 30;

    public int LeaseSeconds { get; set; } = 30;

    public int HeartbeatSeconds { get; set; } = 2;

    /// <summary>Claims of one job before it fails (a lease that expires counts as a failed attempt).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Most jobs one claim takes from the store (at most the idle workers; 1 claims one job per round trip).</summary>
    public int ClaimBatchSize { get; set; } = 16;

    /// <summary>How long an idle worker waits before asking the store again (submissions in this process wake it at once).</summary>
    public int PollMilliseconds { get; set; } = 250;

    /// <summary>Longest long poll of GET /api/v1/jobs/{id}?waitSeconds=N.</summary>
    public int MaxWaitSeconds { get; set; } = 30;

    /// <summary>
    /// The job watchdog: a solve still running this long after its time limit is cancelled; one that still has not
    /// returned after as long again is failed ("did not stop") and its worker slot freed.
    /// </summary>
    public int WatchdogGraceSeconds { get; set; } = 10;

    /// <summary>On shutdown, how long running jobs may finish before they are cancelled and released.</summary>
    public int ShutdownGraceSeconds { get; set; } = 10;

    public int DefaultTimeLimitSeconds { get; set; } = 10;

    public int MaxTimeLimitSeconds { get; set; } = 300;

    /// <summary>Upper bound of POST /api/v1/solve, which holds the request open while it solves.</summary>
    public int SyncMaxTimeLimitSeconds { get; set; } = 10;

    /// <summary>Synchronous solves one process runs at once; more answer 503 + Retry-After.</summary>
    public int SyncMaxConcurrentSolves { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Synchronous solves one tenant runs at once in one process; more answer 429 + Retry-After.</summary>
    public int SyncMaxConcurrentSolvesPerTenant { get; set; } = 2;

    /// <summary>Work budget of one POST /api/v1/qubo/solve: reads × sweeps × variables; more answers 422 naming it.</summary>
    public long SyncMaxWorkUnits { get; set; } = 2_000_000_000;

    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    public int MaxTasks { get; set; } = 2000;

    public int MaxAgents { get; set; } = 500;

    public int MaxQuboVariables { get; set; } = 5000;

    /// <summary>Refused API key lookups one client (remote address) may cause per minute; beyond, unknown keys answer 429 unlooked-up.</summary>
    public int RefusedKeysPerClientPerMinute { get; set; } = 20;

    /// <summary>Most queued + running jobs of one tenant; a submission beyond it answers 429 naming this quota. 0: no quota.</summary>
    public int MaxActiveJobsPerTenant { get; set; } = 5000;

    /// <summary>
    /// Cost units per key (or client address without a key) per <see cref="RateLimitWindowSeconds"/>; a read costs 1
    /// (see Security/RequestCost). Shared by every replica through <see cref="Redis"/> when it is configured.
    /// </summary>
    public int RateLimitPermits { get; set; } = 6000;

    /// <summary>Rate-limit cost of a job submission.</summary>
    public int RateLimitJobCost { get; set; } = 5;

    /// <summary>Rate-limit cost per second a synchronous solve may run (times <see cref="SyncMaxTimeLimitSeconds"/>, plus 1).</summary>
    public int RateLimitSolveSecondCost { get; set; } = 10;

    public int RateLimitWindowSeconds { get; set; } = 60;

    /// <summary>Seconds clients are told to wait in Retry-After when the service is in maintenance or its database is down.</summary>
    public int RetryAfterSeconds { get; set; } = 30;

    /// <summary>
    /// Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: comma-separated addresses or CIDR networks (the
    /// ingress controller). Empty: forwarded headers are ignored, every client is the connection's address.
    /// </summary>
    public string? ForwardedHeadersProxies { get; set; }

    /// <summary>Stable id of this process in job rows; default host name + process id.</summary>
    public string? WorkerId { get; set; }

    public string ResolveDataDir() => DataDirectory.Resolve(DataDir);

    public string ResolveWorkerId() => string.IsNullOrWhiteSpace(WorkerId)
        ? $"{Environment.MachineName}-{Environment.ProcessId}"
        : WorkerId;
}
