using System.Collections.Concurrent;
using System.Text.Json;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Api;

/// <summary>
/// Finished jobs (completed, failed, cancelled) never change again in any replica: every store write that moves a job
/// matches only queued or running rows. So once this process has seen a job finished, GET /api/v1/jobs/{id} and
/// /result answer it from memory, with the view serialised once, instead of a database round trip per request.
/// Queued and running states are never kept: another replica may claim, cancel or finish the job at any moment, so
/// they are always read from the store. Bounded by bytes; the oldest entries go first, because clients poll the jobs
/// that finished last. Entries are checked against the caller's tenant like the store's queries are.
/// </summary>
internal sealed class FinishedJobCache
{
    // Per-entry bookkeeping (dictionary node, queue slot, entry object) on top of the JSON it holds.
    private const int EntryOverheadBytes = 160;

    private readonly ConcurrentDictionary<Guid, Entry> entries = new();
    private readonly Queue<(Guid Id, Entry Entry)> order = new();
    private readonly JsonSerializerOptions json;
    private readonly long budgetBytes;
    private long bytes;

    public FinishedJobCache(long budgetBytes, JsonSerializerOptions json)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(budgetBytes);
        this.budgetBytes = budgetBytes;
        this.json = json;
    }

    /// <summary>
    /// A finished job as the API answers it: the serialised <see cref="JobView"/> and what /result needs. ResultJson is
    /// null for failed and cancelled jobs, and for plans too large to keep (then /result reads the store).
    /// </summary>
    internal sealed record Entry(string TenantId, JobStatus Status, byte[] ViewJson, string? ResultJson, string? Error, long Bytes);

    public int Count => entries.Count;

    public long Bytes => Interlocked.Read(ref bytes);

    /// <summary>The finished job of this tenant; false when it is not cached (read the store) or belongs to another tenant.</summary>
    public bool TryGet(string tenantId, Guid id, out Entry? entry)
    {
        if (entries.TryGetValue(id, out entry) && string.Equals(entry.TenantId, tenantId, StringComparison.Ordinal))
        {
            return true;
        }

        entry = null;
        return false;
    }

    /// <summary>Keeps <paramref name="job"/> when it is finished (other states are ignored) and returns its serialised view.</summary>
    public byte[] Add(JobRecord job)
    {
        var view = JsonSerializer.SerializeToUtf8Bytes(JobView.From(job), json);
        if (!job.Status.IsFinished() || budgetBytes == 0)
        {
            return view;
        }

        // A plan larger than an eighth of the budget would push out many small jobs: keep its view only.
        var result = job.Status == JobStatus.Completed && job.ResultJson is { } plan && (long)plan.Length * sizeof(char) <= budgetBytes / 8 ? plan : null;
        var size = EntryOverheadBytes + view.Length + ((long)(result?.Length ?? 0) * sizeof(char)) + ((long)(job.Error?.Length ?? 0) * sizeof(char));
        if (size > budgetBytes)
        {
            return view;
        }

        var entry = new Entry(job.TenantId, job.Status, view, result, job.Error, size);
        lock (order)
        {
            if (!entries.TryAdd(job.Id, entry))
            {
                return view;
            }

            order.Enqueue((job.Id, entry));
            bytes += size;
            while (bytes > budgetBytes && order.TryDequeue(out var oldest))
            {
                // A slot whose entry was removed (Remove) gave its bytes back then.
                if (entries.TryRemove(new KeyValuePair<Guid, Entry>(oldest.Id, oldest.Entry)))
                {
                    bytes -= oldest.Entry.Bytes;
                }
            }
        }

        return view;
    }

    /// <summary>Forgets every job (after an archive purge or a GDPR erasure elsewhere): requests read the store again.</summary>
    public void Clear()
    {
        lock (order)
        {
            entries.Clear();
            order.Clear();
            bytes = 0;
        }
    }

    /// <summary>Forgets a job (DELETE): the next request reads the store.</summary>
    public void Remove(Guid id)
    {
        lock (order)
        {
            // Its queue slot stays until it reaches the front; eviction skips it then.
            if (entries.TryRemove(id, out var entry))
            {
                bytes -= entry.Bytes;
            }
        }
    }
}
