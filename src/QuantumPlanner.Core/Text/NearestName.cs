namespace QuantumPlanner.Core.Text;

/// <summary>
/// The one spelling-distance rule behind every "Maybe you meant ..." hint (problem JSON keys, ids, CLI options):
/// case-insensitive Levenshtein distance, accepted when it is at most max(2, a third of the name's length).
/// </summary>
public static class NearestName
{
    /// <summary>The known name closest to <paramref name="name"/>, or null when none is close enough to suggest.</summary>
    public static string? Find(string name, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(known);
        string? best = null;
        var bestDistance = int.MaxValue;
        var accepted = Math.Max(2, name.Length / 3);
        foreach (var k in known)
        {
            // The distance is at least the length difference: skipping such candidates unseen keeps a megabyte name,
            // or thousands of ids, from costing a full edit-distance table each.
            var gap = Math.Abs(name.Length - k.Length);
            if (gap > accepted || gap >= bestDistance)
            {
                continue;
            }

            var d = Distance(name, k);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = k;
            }
        }

        return best is not null && bestDistance <= accepted ? best : null;
    }

    /// <summary>Case-insensitive Levenshtein distance (insertions, deletions and substitutions cost one each).</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
