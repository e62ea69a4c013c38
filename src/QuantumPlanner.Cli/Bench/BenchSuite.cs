using System.Globalization;

namespace QuantumPlanner.Cli.Bench;

/// <summary>One row of a suite's best_known.csv with the instance file beside it.</summary>
public sealed record BenchInstance(string Name, string Path, double BestKnown, string Sense, string Status)
{
    public bool Maximize => Sense == "max";
}

/// <summary>A benchmark folder laid out like ../shared/benchmarks/&lt;family&gt;: best_known.csv plus instance files.</summary>
public static class BenchSuite
{
    public static IReadOnlyList<BenchInstance> Load(string directory, IReadOnlyCollection<string>? only = null)
    {
        var csv = System.IO.Path.Combine(directory, "best_known.csv");
        if (!File.Exists(csv))
        {
            throw new UserInputException($"{csv} does not exist. --suite must name a folder with best_known.csv and the instance files (e.g. ../shared/benchmarks/bqp).");
        }

        var files = Directory.GetFiles(directory)
            .Where(f => !f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !f.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
            .GroupBy(f => System.IO.Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var rows = new List<BenchInstance>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(csv))
        {
            lineNumber++;
            if (lineNumber == 1 || string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length < 3 || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var best))
            {
                throw new UserInputException($"{csv}:{lineNumber}: expected 'instance,objective,sense,status'.");
            }

            var name = fields[0].Trim();
            if (only is { Count: > 0 } && !only.Contains(name))
            {
                continue;
            }

            if (!files.TryGetValue(name, out var path))
            {
                continue;
            }

            rows.Add(new BenchInstance(name, path, best, fields[2].Trim(), fields.Length > 3 ? fields[3].Trim() : string.Empty));
        }

        if (only is { Count: > 0 })
        {
            var missing = only.Where(o => rows.All(r => r.Name != o)).ToList();
            if (missing.Count > 0)
            {
                throw new UserInputException($"--instances names {string.Join(", ", missing)}, which {(missing.Count == 1 ? "is" : "are")} not in {csv} with a file beside it.");
            }
        }

        rows.Sort((a, b) => NaturalCompare(a.Name, b.Name));
        return rows;
    }

    /// <summary>bqp50.2 before bqp50.10, G2 before G10.</summary>
    internal static int NaturalCompare(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsDigit(a[i]) && char.IsDigit(b[j]))
            {
                var si = i;
                var sj = j;
                while (i < a.Length && char.IsDigit(a[i]))
                {
                    i++;
                }

                while (j < b.Length && char.IsDigit(b[j]))
                {
                    j++;
                }

                var c = long.Parse(a.AsSpan(si, i - si), CultureInfo.InvariantCulture).CompareTo(long.Parse(b.AsSpan(sj, j - sj), CultureInfo.InvariantCulture));
                if (c != 0)
                {
                    return c;
                }
            }
            else
            {
                var c = a[i].CompareTo(b[j]);
                if (c != 0)
                {
                    return c;
                }

                i++;
                j++;
            }
        }

        return (a.Length - i).CompareTo(b.Length - j);
    }
}
