namespace QuantumPlanner.Storage.Archive;

/// <summary>What archiving needs from a store, in that store's SQL: batches in (created_at, id) order, deletes by id, idempotent inserts.</summary>
internal interface IArchiveStore : IAsyncDisposable
{
    /// <summary>Up to <paramref name="limit"/> jobs created before <paramref name="cutoff"/> in one of <paramref name="statuses"/>, after the (created_at, id) key <paramref name="after"/>.</summary>
    Task<List<JobRecord>> NextBatchAsync(DateTimeOffset cutoff, IReadOnlyList<string> statuses, (DateTimeOffset CreatedAt, Guid Id)? after, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes these jobs in one transaction; the number deleted.</summary>
    Task<int> DeleteAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken);

    /// <summary>Inserts the jobs whose id is not present (and whose idempotency key is free); the number inserted.</summary>
    Task<int> InsertMissingAsync(IReadOnlyList<JobRecord> jobs, CancellationToken cancellationToken);

    /// <summary>Matching rows per status and their payload bytes (problem + result), for --dry-run.</summary>
    Task<IReadOnlyList<(string Status, long Rows, long PayloadBytes)>> CountAsync(DateTimeOffset cutoff, IReadOnlyList<string> statuses, CancellationToken cancellationToken);
}
