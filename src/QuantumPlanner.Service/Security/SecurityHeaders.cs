namespace QuantumPlanner.Service.Security;

/// <summary>
/// Standard response headers on every response including errors: for the API, which serves no HTML, a policy that
/// allows nothing; for the dashboard's pages and assets (<see cref="MarkDashboard"/>), one that allows only this origin.
/// </summary>
internal static class SecurityHeaders
{
    // Scripts, styles, fetches and images from this origin only: no inline script or style (the dashboard sets styles
    // through the CSSOM, which CSP does not govern), no plugins, no <base> or forms elsewhere, never framed. blob: and
    // data: images are the PNG export (an SVG drawn onto a canvas through an object URL).
    public const string DashboardPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    private const string DashboardItem = "qp:dashboard-cache-control";

    /// <summary>Gives this response the dashboard's policy and <paramref name="cacheControl"/> instead of the API's.</summary>
    public static void MarkDashboard(HttpContext context, string cacheControl) => context.Items[DashboardItem] = cacheControl;

    // Set when the response starts rather than when the request enters: the exception handler clears the headers of a
    // failed response before it writes the problem details, and a 500 needs them as much as a 200.
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var response = (HttpResponse)state;
            var headers = response.Headers;
            var dashboard = response.StatusCode < 400 && response.HttpContext.Items.TryGetValue(DashboardItem, out var cache) ? (string?)cache : null;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = dashboard is null ? ApiPolicy : DashboardPolicy;
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers.CacheControl = dashboard ?? "no-store";
            if (response.HttpContext.Request.IsHttps)
            {
                // Only on HTTPS (directly, or X-Forwarded-Proto from a configured proxy): HSTS over plain HTTP is ignored.
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }

            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    });
}
