using Microsoft.AspNetCore.Builder;

namespace FakeApiServer.Api;

/// <summary>
/// The first step of the handler chain (upstream's WithRequestInfo): works out the request's <see cref="RequestInfo"/>
/// once and keeps it on the request's features, where the filters after it, the router and the verbs read it.
/// </summary>
internal static class RequestInfoFilter
{
    public static IApplicationBuilder UseRequestInfo(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        _ = RequestInfo.Of(context);
        return next(context);
    });
}
