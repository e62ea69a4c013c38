using System.Collections.Concurrent;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Service.Solving;

/// <summary>
/// Problems this process validated when their job was submitted, held until one of its workers claims the job, so a
/// job submitted and run in the same process is parsed and validated once. A job claimed elsewhere (another replica,
/// after a restart, or evicted here because the queue outgrew <see cref="Capacity"/>) is read back from its stored
/// JSON instead: this is a shortcut, never the record.
/// </summary>
internal sealed class SubmittedProblems
{
    /// <summary>Submissions held at most; beyond it the oldest go first (their workers then parse the stored JSON).</summary>
    public const int Capacity = 512;

    private readonly ConcurrentDictionary<Guid, ValidatedProblem> problems = new();
    private readonly ConcurrentQueue<Guid> order = new();

    public int Count => problems.Count;

    public void Add(Guid jobId, ValidatedProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!problems.TryAdd(jobId, problem))
        {
            return;
        }

        // Only the last Capacity submissions are held; ids already taken still pass through the queue, so bounding
        // the queue bounds both.
        order.Enqueue(jobId);
        while (order.Count > Capacity && order.TryDequeue(out var oldest))
        {
            problems.TryRemove(oldest, out _);
        }
    }

    /// <summary>The problem submitted with <paramref name="jobId"/> in this process, removed; null when not held.</summary>
    public ValidatedProblem? Take(Guid jobId) => problems.TryRemove(jobId, out var problem) ? problem : null;
}
