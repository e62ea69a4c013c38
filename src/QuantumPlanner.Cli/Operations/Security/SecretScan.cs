using System.Text.RegularExpressions;

namespace QuantumPlanner.Cli.Operations.Security;

/// <summary>One secret found in plain text: where and of what kind; never the value.</summary>
internal sealed record SecretFinding(string File, int Line, string Kind)
{
    public string Location => $"{File}:{Line}";
}

/// <summary>
/// Secrets in plain-text configuration and environment dumps: connection-string passwords, credentials in URLs, AWS
/// keys, this service's API keys, private keys and values of keys named like a secret. Template values (CHANGE-ME,
/// ${VAR}, $(VAR), &lt;...&gt;) are not secrets. Only the location and the kind are ever reported.
/// </summary>
internal static partial class SecretScan
{
    private const long MaxFileBytes = 4 * 1024 * 1024;

    private static readonly string[] TextExtensions =
        [".json", ".yaml", ".yml", ".env", ".conf", ".config", ".cfg", ".ini", ".properties", ".txt", ".xml", ".toml", ".sh", ""];

    /// <summary>What is looked for, most specific first; one finding per line (the first kind that matches).</summary>
    private static readonly (string Kind, Regex Pattern)[] Patterns =
    [
        ("private key", PrivateKey()),
        ("AWS access key id", AwsAccessKeyId()),
        ("AWS secret access key", AwsSecretKey()),
        ("QuantumPlanner API key", PlannerApiKey()),
        ("password in a URL", UrlCredentials()),
        ("connection string password", ConnectionStringPassword()),
        ("secret-named value", SecretNamedValue()),
    ];

    /// <summary>The files that would be read under <paramref name="path"/> (a file, or a folder searched recursively).</summary>
    public static IEnumerable<string> Files(string path)
    {
        if (File.Exists(path))
        {
            return [path];
        }

        if (!Directory.Exists(path))
        {
            return [];
        }

        return Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Where(f => TextExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase) && new FileInfo(f).Length <= MaxFileBytes)
            .Order(StringComparer.Ordinal);
    }

    public static IReadOnlyList<SecretFinding> Scan(string file)
    {
        var findings = new List<SecretFinding>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return findings;
        }

        if (lines.Any(l => l.Contains('\0', StringComparison.Ordinal)))
        {
            return findings;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            if (KindOf(lines[i]) is { } kind)
            {
                findings.Add(new SecretFinding(file, i + 1, kind));
            }
        }

        return findings;
    }

    /// <summary>The kind of secret on one line, or null when it holds none (or only template values).</summary>
    public static string? KindOf(string line)
    {
        foreach (var (kind, pattern) in Patterns)
        {
            foreach (Match match in pattern.Matches(line))
            {
                var value = match.Groups["value"];
                var key = match.Groups["key"];
                if (key.Success && ReferenceKey().IsMatch(key.Value))
                {
                    continue;
                }

                if (!value.Success || !IsTemplate(value.Value))
                {
                    return kind;
                }
            }
        }

        return null;
    }

    /// <summary>Values a template or a reference stands in for: not a secret by themselves.</summary>
    public static bool IsTemplate(string value)
    {
        var v = value.Trim().Trim('"', '\'');
        return v.Length == 0 || Template().IsMatch(v);
    }

    [GeneratedRegex(@"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\b(?<value>(?:AKIA|ASIA)[0-9A-Z]{16})\b")]
    private static partial Regex AwsAccessKeyId();

    [GeneratedRegex(@"(?i)aws_?secret_?(?:access_?)?key[""']?\s*[:=]\s*[""']?(?<value>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])")]
    private static partial Regex AwsSecretKey();

    [GeneratedRegex(@"\b(?<value>qp_[0-9a-f]{16}_[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])")]
    private static partial Regex PlannerApiKey();

    [GeneratedRegex(@"\b[a-z][a-z0-9+.-]*://[^/\s:@""']+:(?<value>[^@\s""'/]+)@")]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"(?i)(?<![\w])(?:password|pwd)\s*=\s*(?<value>[^;""'\s,]*)")]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"(?i)[""']?(?<key>[\w.-]*(?:api[_-]?key|apikey|token|secret|passwd|password)[\w.-]*)[""']?\s*[:=]\s*[""']?(?<value>[^\s""',;]{12,})")]
    private static partial Regex SecretNamedValue();

    /// <summary>Keys that name a secret rather than hold one (Kubernetes secretName, secretKeyRef, a token file).</summary>
    [GeneratedRegex(@"(?i)(?:name|ref|file|path|dir|url|type)$")]
    private static partial Regex ReferenceKey();

    [GeneratedRegex(@"(?i)^(?:change-?me.*|.*CHANGE-?ME.*|x{3,}|\*{3,}|\.{3,}|<[^>]*>|\$\{[^}]*\}|\$\([^)]*\)|\{\{.*\}\}|%[A-Z_]+%|example|redacted|none|null|true|false|secretKeyRef|\$[A-Z_][A-Z0-9_]*)$")]
    private static partial Regex Template();
}
