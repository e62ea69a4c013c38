namespace QuantumPlanner.Core.Planning;

/// <summary>
/// An agent's availability windows arranged to answer "the earliest end of a task of this duration that starts at
/// or after this time, inside one window" in O(log windows), so validation checks every (task, agent) pair without
/// scanning up to <see cref="PlanningLimits.MaxWindowsPerAgent"/> windows each time. The answer is the true minimum
/// over all windows, in whatever order (or overlap) they were given.
/// </summary>
internal sealed class AvailabilityIndex
{
    private readonly long[] starts;
    private readonly long[] prefixMaxEnd;

    // Max-segment tree over window lengths (leaves from `leaves`), for "first window at or after k that is long enough".
    private readonly long[] longest;
    private readonly int leaves;

    private AvailabilityIndex(IReadOnlyList<TimeWindow> windows)
    {
        var sorted = windows.OrderBy(w => w.Start).ToArray();
        starts = new long[sorted.Length];
        prefixMaxEnd = new long[sorted.Length];
        leaves = 1;
        while (leaves < sorted.Length)
        {
            leaves *= 2;
        }

        longest = new long[2 * leaves];
        Array.Fill(longest, long.MinValue);
        var maxEnd = long.MinValue;
        for (var i = 0; i < sorted.Length; i++)
        {
            starts[i] = sorted[i].Start;
            maxEnd = Math.Max(maxEnd, sorted[i].End);
            prefixMaxEnd[i] = maxEnd;
            longest[leaves + i] = (long)sorted[i].End - sorted[i].Start;
        }

        for (var n = leaves - 1; n >= 1; n--)
        {
            longest[n] = Math.Max(longest[2 * n], longest[(2 * n) + 1]);
        }
    }

    /// <summary>The index of <paramref name="agent"/>'s windows, or null when it has none (always available).</summary>
    public static AvailabilityIndex? For(Agent agent) => agent.Availability.Count == 0 ? null : new AvailabilityIndex(agent.Availability);

    /// <summary>Earliest end of <paramref name="duration"/> units starting at or after <paramref name="start"/> inside one window; <see cref="long.MaxValue"/> when none fits.</summary>
    public long EarliestEnd(long start, long duration)
    {
        // A window opening at or before `start` that lasts until start + duration gives the best end there is.
        var opened = UpperBound(start);
        if (opened > 0 && prefixMaxEnd[opened - 1] >= start + duration)
        {
            return start + duration;
        }

        // Otherwise the task starts when a later window opens; the first one long enough ends soonest.
        var j = FirstLongEnough(1, 0, leaves, opened, duration);
        return j < 0 ? long.MaxValue : starts[j] + duration;
    }

    /// <summary>Number of windows that open at or before <paramref name="time"/>.</summary>
    private int UpperBound(long time)
    {
        int lo = 0, hi = starts.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (starts[mid] <= time)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private int FirstLongEnough(int node, int lo, int hi, int from, long duration)
    {
        if (hi <= from || longest[node] < duration)
        {
            return -1;
        }

        if (hi - lo == 1)
        {
            return lo < starts.Length ? lo : -1;
        }

        var mid = (lo + hi) / 2;
        var left = FirstLongEnough(2 * node, lo, mid, from, duration);
        return left >= 0 ? left : FirstLongEnough((2 * node) + 1, mid, hi, from, duration);
    }
}
