namespace QuantumPlanner.Storage.Archive;

/// <summary>What archiving needs from a store, in that store's SQL: batches in (created_at, id) order with their progress history, deletes by id, idempotent inserts.</summary>
internal interface IArchiveStore : IAsyncDisposable
{
    /// <summary>Up to <paramref name="limit"/> jobs created before <paramref name="cutoff"/> in one of <paramref name="statuses"/>, after the (created_at, id) key <paramref name="after"/>.</summary>
    Task<List<ArchivedJob>> NextBatchAsync(DateTimeOffset cutoff, IReadOnlyList<string> statuses, (DateTimeOffset CreatedAt, Guid Id)? after, int limit, CancellationToken cancellationToken);

    /// <summary>The jobs, in their order, each with its progress history.</summary>
    Task<List<ArchivedJob>> WithProgressAsync(List<JobRecord> jobs, CancellationToken cancellationToken);

    /// <summary>Deletes these jobs in one transaction, their progress history with them (cascade or trigger); the number deleted.</summary>
    Task<int> DeleteAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts, in one transaction, the jobs whose id is not present (and whose idempotency key is free) and the
    /// progress rows of jobs in the store that it lacks; the numbers of jobs and of progress rows inserted.
    /// </summary>
    Task<(int Jobs, int Progress)> InsertMissingAsync(IReadOnlyList<ArchivedJob> jobs, CancellationToken cancellationToken);

    /// <summary>Matching rows per status and their payload bytes (problem + result), for --dry-run.</summary>
    Task<IReadOnlyList<(string Status, long Rows, long PayloadBytes)>> CountAsync(DateTimeOffset cutoff, IReadOnlyList<string> statuses, CancellationToken cancellationToken);
}
