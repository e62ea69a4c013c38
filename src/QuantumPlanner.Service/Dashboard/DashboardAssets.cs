using System.Collections.Frozen;
using System.Security.Cryptography;
using QuantumPlanner.Service.Security;

namespace QuantumPlanner.Service.Dashboard;

/// <summary>
/// The dashboard: plain HTML, CSS and ES modules embedded in this assembly (no CDN, no build step), served at <c>/</c>
/// and <c>/dashboard/{file}</c> with the dashboard's Content-Security-Policy. Every response carries an ETag and
/// <c>Cache-Control: no-cache</c>: browsers keep the files but ask again each time, so an upgrade is seen at once
/// (module imports carry no version in their URL) and an unchanged file costs a 304.
/// </summary>
internal static class DashboardAssets
{
    private const string ResourcePrefix = "QuantumPlanner.Dashboard.";
    private const string CacheControl = "no-cache";

    private static readonly FrozenDictionary<string, Asset> Files = Load();

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", (HttpContext context) => Serve(context, "index.html")).ExcludeFromDescription();
        routes.MapGet("/dashboard/{file}", (HttpContext context, string file) => Serve(context, file)).ExcludeFromDescription();
        return routes;
    }

    /// <summary>The embedded file names (tests check each is served with its type).</summary>
    public static IEnumerable<string> Names => Files.Keys;

    private static IResult Serve(HttpContext context, string file)
    {
        if (!Files.TryGetValue(file, out var asset))
        {
            return Results.NotFound();
        }

        SecurityHeaders.MarkDashboard(context, CacheControl);
        context.Response.Headers.ETag = asset.ETag;
        var match = context.Request.Headers.IfNoneMatch;
        if (match.Count > 0 && match.Any(value => value is not null && value.Contains(asset.ETag, StringComparison.Ordinal)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var name = resource[ResourcePrefix.Length..];
            var etag = "\"" + Convert.ToBase64String(SHA256.HashData(content).AsSpan(0, 12)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"";
            files[name] = new Asset(content, ContentTypeOf(name), etag);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        var other => throw new InvalidOperationException($"Dashboard file '{name}' has the extension '{other}', which has no content type here. Maybe add it to DashboardAssets.ContentTypeOf."),
    };

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}
