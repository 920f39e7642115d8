using System.Diagnostics;
using FakeApiServer.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FakeApiServer.Observability.Tracing;

/// <summary>
/// The request's span (upstream's WithTracing), opened right after the audit ID is given, so authentication,
/// authorization, admission, the registry and the store's commit are its children. A W3C traceparent (and
/// tracestate) the client sent makes it a child of the client's span; its name is upstream's: the method and the
/// path with the namespace and name as placeholders ("POST /api/v1/namespaces/{:namespace}/configmaps"), the method
/// alone for a non-resource request. It ends with the response.
/// </summary>
internal static class TracingFilter
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    public static IApplicationBuilder UseTracing(this IApplicationBuilder app)
    {
        // The host's tracer provider (when tracing is asked for) is resolved once, so the container disposes (flushes) it on stop.
        _ = app.ApplicationServices.GetService<OpenTelemetry.Trace.TracerProvider>();
        return app.Use(next => context => InvokeAsync(context, next));
    }

    /// <summary>Without a listener (tracing off) the request passes straight on: no span, and no async frame of this filter.</summary>
    private static Task InvokeAsync(HttpContext context, RequestDelegate next) =>
        ApiServerTracing.Source.HasListeners() ? TraceAsync(context, next) : next(context);

    private static async Task TraceAsync(HttpContext context, RequestDelegate next)
    {
        var info = RequestInfo.Of(context);
        var parent = ActivityContext.TryParse(context.Request.Headers[TraceParentHeader].ToString(), context.Request.Headers[TraceStateHeader].ToString(), isRemote: true, out var remote)
            ? remote
            : default;
        // The span is a root unless the client sent a parent: a span the host itself opened is not ours to export.
        Activity.Current = null;
        using var activity = ApiServerTracing.Source.StartActivity(SpanName(context.Request.Method, info), ActivityKind.Server, parent);
        if (activity is null)
        {
            await next(context);
            return;
        }

        activity.SetTag("http.method", context.Request.Method);
        activity.SetTag("http.target", context.Request.Path.Value + context.Request.QueryString.Value);
        activity.SetTag("http.user_agent", context.Request.Headers.UserAgent.ToString());
        activity.SetTag("audit-id", RequestObservation.Of(context)?.AuditId);
        try
        {
            await next(context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            activity.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }

        activity.SetTag("http.status_code", context.Response.StatusCode);
        if (context.Response.StatusCode >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    /// <summary>upstream's getSpanNameFromRequestInfo.</summary>
    public static string SpanName(string method, RequestInfo info)
    {
        if (!info.IsResourceRequest)
        {
            return method;
        }

        var name = "/" + info.ApiPrefix + (info.Group.Length > 0 ? "/" + info.Group : "") + "/" + info.Version
            + (info.Namespace.Length > 0 ? "/namespaces/{:namespace}" : "") + "/" + info.Resource
            + (info.Name.Length > 0 ? "/{:name}" : "") + (info.Subresource.Length > 0 ? "/" + info.Subresource : "");
        return method + " " + name;
    }
}
