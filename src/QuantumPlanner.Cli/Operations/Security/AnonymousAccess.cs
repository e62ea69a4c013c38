using System.Text.RegularExpressions;

namespace QuantumPlanner.Cli.Operations.Security;

/// <summary>
/// Whether the API may be used without a key: <c>NoAuth</c> switched on in a configuration file or this environment,
/// and, with a URL, whether the running service really answers a key-less request for the job list.
/// </summary>
internal static partial class AnonymousAccess
{
    public static CheckLine ConfigLine(IEnumerable<string> files, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        var places = new List<string>();
        foreach (var file in files)
        {
            var lineNumber = 0;
            foreach (var line in ReadLines(file))
            {
                lineNumber++;
                if (NoAuthOn().IsMatch(line))
                {
                    places.Add($"{file}:{lineNumber}");
                }
            }
        }

        places.AddRange(environment.Where(e => NoAuthName().IsMatch(e.Key) && string.Equals(e.Value?.Trim(), "true", StringComparison.OrdinalIgnoreCase)).Select(e => "environment " + e.Key));
        return places.Count == 0
            ? CheckLine.Ok("auth: NoAuth", "off in every configuration read")
            : CheckLine.Failure("auth: NoAuth", $"on in {string.Join(", ", places)}: requests without an API key are served (loopback only). Maybe remove it and use qplan keys create.");
    }

    public static async Task<CheckLine> ProbeAsync(Uri baseUrl, CancellationToken cancellationToken)
    {
        var endpoint = new Uri(baseUrl, "/api/v1/jobs?limit=1");
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            using var response = await http.GetAsync(endpoint, cancellationToken).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            return code is 401 or 403
                ? CheckLine.Ok("auth: anonymous access", $"GET {endpoint.PathAndQuery} without a key: HTTP {code}")
                : response.IsSuccessStatusCode
                    ? CheckLine.Failure("auth: anonymous access", $"GET {endpoint.PathAndQuery} without a key: HTTP {code}, the job list is open to anyone. Maybe turn NoAuth off.")
                    : CheckLine.Warning("auth: anonymous access", $"GET {endpoint.PathAndQuery} without a key: HTTP {code} (neither refused nor served)");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return CheckLine.Warning("auth: anonymous access", $"{endpoint} did not answer ({ex.Message}); not checked");
        }
    }

    private static IEnumerable<string> ReadLines(string file)
    {
        try
        {
            return File.ReadAllLines(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>appsettings <c>"NoAuth": true</c>, env <c>QuantumPlanner__NoAuth=true</c>, yaml <c>QuantumPlanner__NoAuth: "true"</c>, flag <c>--QuantumPlanner:NoAuth=true</c>.</summary>
    [GeneratedRegex(@"(?i)^(?!\s*#).*(?<![A-Za-z0-9])NoAuth[""']?\s*[:=]\s*[""']?true\b")]
    private static partial Regex NoAuthOn();

    [GeneratedRegex(@"(?i)^(?:QuantumPlanner(?:__|:))?NoAuth$")]
    private static partial Regex NoAuthName();
}
