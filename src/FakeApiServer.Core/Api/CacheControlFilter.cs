using Microsoft.AspNetCore.Builder;

namespace FakeApiServer.Api;

/// <summary>
/// kube-apiserver's WithCacheControl: every response, errors of authentication and authorization included, carries
/// <c>Cache-Control: no-cache, private</c> (the whole API sits behind authentication), unless its handler sets its own
/// (the OpenAPI v3 documents named by hash, the service-account issuer's discovery documents).
/// </summary>
internal static class CacheControlFilter
{
    /// <summary>The value upstream sets.</summary>
    public const string NoCachePrivate = "no-cache, private";

    /// <summary>Sets the header ahead of the rest of the pipeline; a handler that sets its own replaces it.</summary>
    public static void UseCacheControl(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            context.Response.Headers.CacheControl = NoCachePrivate;
            return next(context);
        });
}
