using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace QuantumPlanner.Cli.Operations.Security;

/// <summary>One NuGet package the application runs with.</summary>
internal sealed record PackageVersion(string Name, string Version);

/// <summary>One entry of an advisory file: the package, the affected versions and the advisory's id.</summary>
internal sealed record Advisory(string Package, string Range, string Id, string? Severity = null, string? Title = null);

/// <summary>An advisory that applies to a package of the inventory.</summary>
internal sealed record AdvisoryMatch(string Id, string Package, string Version, string Range, string Severity, string? Title);

/// <summary>
/// The dependency inventory (the <c>libraries</c> of type package in the application's <c>.deps.json</c>, or the
/// <c>libraries</c> of a <c>project.assets.json</c>) and its check against an advisory file; no network.
/// </summary>
internal static partial class Dependencies
{
    public static IReadOnlyList<PackageVersion> Inventory(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        if (!document.RootElement.TryGetProperty("libraries", out var libraries) || libraries.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"'{path}' has no \"libraries\" object. Maybe --deps bin/qplan.deps.json or obj/project.assets.json.");
        }

        var packages = new List<PackageVersion>();
        foreach (var library in libraries.EnumerateObject())
        {
            var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && library.Value.TryGetProperty("type", out var type) && type.GetString() == "package")
            {
                packages.Add(new PackageVersion(library.Name[..slash], library.Name[(slash + 1)..]));
            }
        }

        return packages.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>
    /// Reads a JSON array of <c>{"package","range","id","severity"?,"title"?}</c>. A range is a NuGet interval
    /// (<c>[1.0.0, 2.1.3)</c>, <c>(, 4.0.0]</c>), comparators (<c>&gt;= 1.0.0, &lt; 2.1.3</c>) or one exact version.
    /// </summary>
    public static IReadOnlyList<Advisory> ReadAdvisories(string path)
    {
        List<Advisory>? advisories;
        try
        {
            advisories = JsonSerializer.Deserialize<List<Advisory>>(File.ReadAllText(path), JsonOutput.Options);
        }
        catch (JsonException ex)
        {
            throw new UserInputException($"--advisories '{path}' is not a JSON list of advisories ({ex.Message}). Maybe [{{\"package\":\"Npgsql\",\"range\":\"< 8.0.3\",\"id\":\"GHSA-x9vc-6hfv-hg8c\"}}].");
        }

        foreach (var advisory in advisories ?? [])
        {
            if (string.IsNullOrWhiteSpace(advisory.Package) || string.IsNullOrWhiteSpace(advisory.Range) || string.IsNullOrWhiteSpace(advisory.Id))
            {
                throw new UserInputException($"--advisories '{path}': every entry needs package, range and id (entry '{advisory.Id ?? advisory.Package}' lacks one).");
            }

            _ = InRange("0.0.0", advisory.Range);
        }

        return advisories ?? [];
    }

    public static IReadOnlyList<AdvisoryMatch> Match(IReadOnlyList<PackageVersion> inventory, IReadOnlyList<Advisory> advisories) =>
        (from advisory in advisories
         from package in inventory
         where string.Equals(package.Name, advisory.Package, StringComparison.OrdinalIgnoreCase) && InRange(package.Version, advisory.Range)
         select new AdvisoryMatch(advisory.Id, package.Name, package.Version, advisory.Range, (advisory.Severity ?? "unknown").ToLowerInvariant(), advisory.Title)).ToList();

    /// <summary>Whether <paramref name="version"/> lies in <paramref name="range"/> (see <see cref="ReadAdvisories"/>).</summary>
    public static bool InRange(string version, string range)
    {
        var r = range.Trim();
        if (r.Length > 1 && (r[0] == '[' || r[0] == '(') && (r[^1] == ']' || r[^1] == ')'))
        {
            var parts = r[1..^1].Split(',');
            if (parts.Length == 1)
            {
                return Compare(version, Exact(parts[0], range)) == 0;
            }

            if (parts.Length != 2)
            {
                throw Refused(range);
            }

            var low = parts[0].Trim();
            var high = parts[1].Trim();
            var aboveLow = low.Length == 0 || (r[0] == '[' ? Compare(version, Exact(low, range)) >= 0 : Compare(version, Exact(low, range)) > 0);
            var belowHigh = high.Length == 0 || (r[^1] == ']' ? Compare(version, Exact(high, range)) <= 0 : Compare(version, Exact(high, range)) < 0);
            return aboveLow && belowHigh;
        }

        var all = true;
        foreach (var clause in r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Comparator().Match(clause);
            if (!match.Success)
            {
                throw Refused(range);
            }

            var order = Compare(version, match.Groups["version"].Value);
            all &= match.Groups["op"].Value switch
            {
                "<" => order < 0,
                "<=" => order <= 0,
                ">" => order > 0,
                ">=" => order >= 0,
                _ => order == 0,
            };
        }

        return all;
    }

    /// <summary>SemVer order: numeric parts (missing ones are 0), then a pre-release sorts before its release.</summary>
    public static int Compare(string left, string right)
    {
        var (leftNumbers, leftPre) = Split(left);
        var (rightNumbers, rightPre) = Split(right);
        for (var i = 0; i < Math.Max(leftNumbers.Length, rightNumbers.Length); i++)
        {
            var order = (i < leftNumbers.Length ? leftNumbers[i] : 0).CompareTo(i < rightNumbers.Length ? rightNumbers[i] : 0);
            if (order != 0)
            {
                return order;
            }
        }

        return (leftPre, rightPre) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => string.CompareOrdinal(leftPre, rightPre),
        };
    }

    private static (long[] Numbers, string? PreRelease) Split(string version)
    {
        var v = version.Trim().Split('+')[0];
        var dash = v.IndexOf('-', StringComparison.Ordinal);
        var core = dash < 0 ? v : v[..dash];
        var numbers = core.Split('.').Select(p => long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0).ToArray();
        return (numbers, dash < 0 ? null : v[(dash + 1)..]);
    }

    private static string Exact(string text, string range) =>
        VersionText().IsMatch(text.Trim()) ? text.Trim() : throw Refused(range);

    private static UserInputException Refused(string range) =>
        new($"advisory range '{range}' is neither a NuGet interval nor comparators. Maybe \"[1.0.0, 2.1.3)\" or \">= 1.0.0, < 2.1.3\".");

    [GeneratedRegex(@"^(?<op><=|>=|<|>|=)?\s*(?<version>\d+(?:\.\d+)*(?:-[0-9A-Za-z.-]+)?)$")]
    private static partial Regex Comparator();

    [GeneratedRegex(@"^\d+(?:\.\d+)*(?:-[0-9A-Za-z.-]+)?$")]
    private static partial Regex VersionText();
}
