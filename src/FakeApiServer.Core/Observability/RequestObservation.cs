using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Observability;

/// <summary>
/// What is known of one request while it is served, kept on its features by <see cref="RequestObservationFilter"/>
/// (outermost, right after the request info): its audit ID, when it started, and what the handlers report as they go
/// (the events a watch sent). Read it with <see cref="Of"/>; handlers add to it, observers read it when it ends.
/// </summary>
public sealed class RequestObservation
{
    private long _watchEvents;

    internal RequestObservation(string auditId, DateTimeOffset started, long startTimestamp)
    {
        AuditId = auditId;
        Started = started;
        StartTimestamp = startTimestamp;
    }

    /// <summary>The request's audit ID: the client's Audit-ID header when it sent a valid one, else a new UUID (upstream's WithAuditInit); the response's Audit-Id header.</summary>
    public string AuditId { get; }

    /// <summary>When the request arrived, by the server's clock.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>The server clock's timestamp at arrival (TimeProvider.GetTimestamp), for the latency.</summary>
    public long StartTimestamp { get; }

    /// <summary>The watch events sent so far on this request (0 for anything but a watch).</summary>
    public long WatchEvents => Interlocked.Read(ref _watchEvents);

    /// <summary>Counts one watch event written to the client.</summary>
    public void WatchEventSent() => Interlocked.Increment(ref _watchEvents);

    /// <summary>The observation of the request, or null when the filter did not run (a handler called outside the pipeline).</summary>
    public static RequestObservation? Of(HttpContext context) => context.Features[typeof(RequestObservation)] as RequestObservation;
}
