using FakeApiServer.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace FakeApiServer.WebConsole;

/// <summary>
/// Serves the console's static files under /console/, ahead of authentication: they hold no cluster data (the page
/// reads everything through the API, as the user who opened it), so anyone who can reach the server may load them, as
/// anyone may load a dashboard's login page. /console/api/ is not served here: it passes on to the security filters
/// and <see cref="ConsoleApiFilter"/>. Only installed when the console is on.
/// </summary>
internal static class ConsoleAssetsFilter
{
    /// <summary>Where the console is served.</summary>
    public const string Root = "/console";

    /// <summary>The page may load only its own files and talk only to its own server.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>Installs the filter; the assets are read from the assembly on the first console request, not at start-up.</summary>
    public static IApplicationBuilder UseConsoleAssets(this IApplicationBuilder app)
    {
        var assets = new Lazy<ConsoleAssets>(ConsoleAssets.Load);
        return app.Use((context, next) => Serve(context, next, assets));
    }

    private static Task Serve(HttpContext context, RequestDelegate next, Lazy<ConsoleAssets> assets)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments(Root, StringComparison.Ordinal, out var rest) || rest.StartsWithSegments(ConsoleApiFilter.ApiPath, StringComparison.Ordinal))
        {
            return next(context);
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            return ApiErrors.WriteAsync(context, ApiException.MethodNotAllowedPath(), NullLogger.Instance);
        }

        if (!rest.HasValue)
        {
            // /console → /console/, so the page's relative module paths resolve below it.
            context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
            context.Response.Headers.Location = Root + "/";
            return Task.CompletedTask;
        }

        return WriteAsync(context, assets.Value.Find(rest.Value![1..]));
    }

    private static Task WriteAsync(HttpContext context, ConsoleAsset? asset)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (asset is null)
        {
            return ApiErrors.WriteAsync(context, ApiException.NotFoundPath(), NullLogger.Instance);
        }

        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(asset.Body, context.RequestAborted).AsTask();
    }
}
