using FakeApiServer.Api;
using FakeApiServer.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Observability;

/// <summary>
/// The second step of the handler chain, right after the request info (so its latency covers authentication,
/// authorization and the limits): gives the request its audit ID and the Audit-Id response header (upstream's
/// WithAuditInit), tells the <see cref="RequestFeed"/>'s observers and the request metrics it started, and when the
/// response has ended tells them how it was answered. The observers get a <see cref="CompletedRequest"/>, made only when
/// there is one; the metrics read the request's context.
/// </summary>
internal static class RequestObservationFilter
{
    /// <summary>The request and response header of the audit ID.</summary>
    public const string AuditIdHeader = "Audit-Id";

    public static IApplicationBuilder UseRequestObservation(this IApplicationBuilder app, RequestFeed feed, Metrics.RequestMetrics? metrics, TimeProvider time) => app.Use((context, next) =>
    {
        var observation = new RequestObservation(AuditIdOf(context.Request), time.GetUtcNow(), time.GetTimestamp());
        context.Features[typeof(RequestObservation)] = observation;
        context.Response.Headers[AuditIdHeader] = observation.AuditId;
        metrics?.OnStarted(context);
        var observers = feed.Observers;
        foreach (var observer in observers)
        {
            observer.OnStarted(context, observation);
        }

        Task served;
        try
        {
            served = next(context);
        }
        catch (Exception e)
        {
            // As an async method would: the failure in the returned task, the end observed first.
            served = Task.FromException(e);
        }

        // A request served synchronously (a get from memory) is observed to its end without an async frame of this filter.
        if (!served.IsCompleted)
        {
            return CompleteWhenServedAsync(context, served, observation, observers, metrics, time);
        }

        Completed(context, observation, observers, metrics, time);
        return served;
    });

    private static async Task CompleteWhenServedAsync(
        HttpContext context, Task served, RequestObservation observation, IReadOnlyList<IRequestObserver> observers, Metrics.RequestMetrics? metrics, TimeProvider time)
    {
        try
        {
            await served;
        }
        finally
        {
            Completed(context, observation, observers, metrics, time);
        }
    }

    /// <summary>Tells the metrics and the observers told of the start (even one that unsubscribed meanwhile) how the request was answered.</summary>
    private static void Completed(HttpContext context, RequestObservation observation, IReadOnlyList<IRequestObserver> observers, Metrics.RequestMetrics? metrics, TimeProvider time)
    {
        metrics?.OnCompleted(context, time.GetElapsedTime(observation.StartTimestamp));
        if (observers.Count > 0)
        {
            var completed = Complete(context, observation, time);
            foreach (var observer in observers)
            {
                observer.OnCompleted(completed);
            }
        }
    }

    /// <summary>The first Audit-ID header the client sent when not empty, else a new UUID (as upstream's WithAuditInit).</summary>
    private static string AuditIdOf(HttpRequest request) =>
        request.Headers[AuditIdHeader] is { Count: > 0 } sent && sent[0] is { Length: > 0 } first ? first : NewAuditId();

    /// <summary>
    /// A random (version 4, RFC 4122 variant) UUID in its canonical form, as upstream's uuid.New(). The 122 random bits
    /// come from the thread's pseudo-random generator (seeded from the OS), not from a getrandom system call per request
    /// as Guid.NewGuid takes on Linux (~0.6 µs, 2-3% of a GET's CPU): an audit ID must be unique, not secret.
    /// </summary>
    internal static string NewAuditId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    private static CompletedRequest Complete(HttpContext context, RequestObservation observation, TimeProvider time)
    {
        var info = RequestInfo.Of(context);
        var user = context.GetUser();
        return new CompletedRequest
        {
            AuditId = observation.AuditId,
            Method = context.Request.Method,
            Path = context.Request.Path.Value ?? "/",
            Query = context.Request.QueryString.Value ?? "",
            Verb = info.Verb,
            IsResourceRequest = info.IsResourceRequest,
            Group = info.Group,
            Version = info.Version,
            Resource = info.Resource,
            Subresource = info.Subresource,
            Namespace = info.Namespace,
            Name = info.Name,
            User = user.Name,
            Groups = user.Groups,
            UserAgent = context.Request.Headers.UserAgent.ToString(),
            RequestContentType = context.Request.ContentType ?? "",
            StatusCode = context.Response.StatusCode,
            Started = observation.Started,
            Latency = time.GetElapsedTime(observation.StartTimestamp),
            WatchEvents = observation.WatchEvents,
            ResponseBytes = context.Response.ContentLength,
        };
    }
}
