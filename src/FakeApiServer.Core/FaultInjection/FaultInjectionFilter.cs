using System.Globalization;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FakeApiServer.FaultInjection;

/// <summary>
/// The last filter before the routes (after authentication, authorization and the limits, so a rule can name the user):
/// serves the admin API when it is on, and injects the first <see cref="FaultRule"/> that applies to a request. With no
/// rule a request costs one array read.
/// </summary>
internal static class FaultInjectionFilter
{
    public static IApplicationBuilder UseFaultInjection(
        this IApplicationBuilder app, FaultRules rules, FaultAdminApi? admin, TimeProvider time, Func<long> currentRevision, ProtobufResponses protobuf) =>
        app.Use((context, next) =>
            admin is not null && FaultAdminApi.Serves(context.Request.Path) ? admin.ServeAsync(context)
            // With no rule, no async frame of this filter either.
            : rules.Active.Count == 0 ? next(context)
            : InjectFirstAsync(context, next, rules, time, currentRevision, protobuf));

    /// <summary>The first rule that applies to the request, injected; the request goes on unchanged when none does.</summary>
    private static async Task InjectFirstAsync(HttpContext context, RequestDelegate next, FaultRules rules, TimeProvider time, Func<long> currentRevision, ProtobufResponses protobuf)
    {
        var info = RequestInfo.Of(context);
        var request = new FaultRequest(
            info.Verb, info.Group, info.Resource, info.Subresource, info.Namespace, info.Name, context.GetUser().Name,
            context.Request.Query["fieldManager"] is { Count: > 0 } manager ? manager[0] : null, context.Request.Path.Value ?? "/");
        if (rules.Take(request) is not { } fault)
        {
            await next(context);
            return;
        }

        await InjectAsync(context, fault, request, () => next(context), time, currentRevision, protobuf);
    }

    private static async Task InjectAsync(
        HttpContext context, ActiveFault fault, FaultRequest request, Func<Task> next, TimeProvider time, Func<long> currentRevision, ProtobufResponses protobuf)
    {
        var rule = fault.Rule;
        if (rule.Delay is { } delay && delay > TimeSpan.Zero)
        {
            try
            {
                var delayed = Task.Delay(delay, time, context.RequestAborted);
                fault.Applied();
                await delayed;
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
        }
        else
        {
            fault.Applied();
        }

        if (rule.DropConnection)
        {
            context.Abort();
            return;
        }

        if (rule.StatusCode is not null)
        {
            var error = FaultStatus.For(rule, request);
            if (error.Details is { RetryAfterSeconds: > 0 } details)
            {
                context.Response.Headers.RetryAfter = details.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            }

            await ApiErrors.WriteStatusAsync(context, error.Code, ApiErrors.StatusBytes(error), protobuf);
            return;
        }

        if (rule.BreaksWatch && request.Verb == "watch")
        {
            await BreakWatchAsync(context, rule, next, currentRevision);
            return;
        }

        await next();
    }

    /// <summary>Serves the watch until it sent the rule's events, then ends it, with a 410 Expired ERROR event when the rule says so.</summary>
    private static async Task BreakWatchAsync(HttpContext context, FaultRule rule, Func<Task> next, Func<long> currentRevision)
    {
        var original = context.RequestAborted;
        if (rule.CloseWatchAfterEvents is > 0 and var events)
        {
            using var cut = CancellationTokenSource.CreateLinkedTokenSource(original);
            var prior = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
            context.Features.Set<IHttpResponseBodyFeature>(new WatchEventLimit(prior, events, cut));
            context.RequestAborted = cut.Token;
            try
            {
                await next();
            }
            finally
            {
                context.Features.Set(prior);
                context.RequestAborted = original;
            }

            if (context.Response.StatusCode != StatusCodes.Status200OK)
            {
                return;
            }
        }
        else
        {
            // No event at all: the stream opens and closes (or carries only the ERROR event), as a watch whose start is gone.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = MediaTypes.Json;
            await context.Response.StartAsync(original);
        }

        if (!rule.ExpireWatch || original.IsCancellationRequested)
        {
            return;
        }

        var requested = long.TryParse(context.Request.Query["resourceVersion"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : 0;
        var expired = ApiException.Expired(requested, currentRevision());
        try
        {
            ObjectResponses.WriteEvent(context.Response.BodyWriter, ResourceEventType.Error, ApiErrors.StatusBytes(expired));
            await context.Response.BodyWriter.FlushAsync(original);
        }
        catch (OperationCanceledException) when (original.IsCancellationRequested)
        {
            // The client left meanwhile.
        }
    }
}
