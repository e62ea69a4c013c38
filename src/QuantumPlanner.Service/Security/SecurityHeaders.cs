namespace QuantumPlanner.Service.Security;

/// <summary>Standard response headers for an API that serves no HTML, on every response including errors.</summary>
internal static class SecurityHeaders
{
    // Set when the response starts rather than when the request enters: the exception handler clears the headers of a
    // failed response before it writes the problem details, and a 500 needs them as much as a 200.
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers.CacheControl = "no-store";
            if (((HttpResponse)state).HttpContext.Request.IsHttps)
            {
                // Only on HTTPS (directly, or X-Forwarded-Proto from a configured proxy): HSTS over plain HTTP is ignored.
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }

            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    });
}
