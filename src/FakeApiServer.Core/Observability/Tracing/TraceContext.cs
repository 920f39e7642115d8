using System.Diagnostics;

namespace FakeApiServer.Observability.Tracing;

/// <summary>W3C trace context on outgoing calls (admission webhooks): the traceparent (and tracestate) of the caller's span.</summary>
internal static class TraceContext
{
    /// <summary>Adds <paramref name="span"/>'s traceparent and tracestate to <paramref name="request"/> (nothing when it is null).</summary>
    public static void Inject(HttpRequestMessage request, Activity? span)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (span is null || span.IdFormat != ActivityIdFormat.W3C)
        {
            return;
        }

        request.Headers.TryAddWithoutValidation(TracingFilter.TraceParentHeader, span.Id);
        if (span.TraceStateString is { Length: > 0 } state)
        {
            request.Headers.TryAddWithoutValidation(TracingFilter.TraceStateHeader, state);
        }
    }
}
