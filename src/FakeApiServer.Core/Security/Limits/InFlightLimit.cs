using System.Diagnostics.Metrics;
using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Security.Limits;

/// <summary>
/// kube-apiserver's max-in-flight filter: at most <see cref="RequestLimits.MaxRequestsInflight"/> read-only and
/// <see cref="RequestLimits.MaxMutatingRequestsInflight"/> mutating requests are served at once; the next one is a 429
/// TooManyRequests Status with Retry-After: 1. Long-running requests and system:masters users are not counted.
/// Two interlocked counters: no lock and no allocation per request. With metrics on, the most of each counted since
/// the last scrape is apiserver_current_inflight_requests (upstream reports the most in the last second).
/// </summary>
internal sealed class InFlightLimit
{
    private readonly int _maxReadOnly;
    private readonly int _maxMutating;
    private readonly bool _recordPeaks;
    private int _readOnly;
    private int _mutating;
    private int _readOnlyPeak;
    private int _mutatingPeak;

    public InFlightLimit(RequestLimits limits, IMeterFactory? meters = null)
    {
        _maxReadOnly = limits.MaxRequestsInflight;
        _maxMutating = limits.MaxMutatingRequestsInflight;
        if (meters is not null && (_maxReadOnly > 0 || _maxMutating > 0))
        {
            meters.Create(Observability.Metrics.ServerMetrics.MeterPrefix + "Limits").CreateObservableGauge(
                "apiserver_current_inflight_requests",
                () => new[]
                {
                    new Measurement<int>(TakePeak(ref _readOnlyPeak, ref _readOnly), new KeyValuePair<string, object?>("request_kind", "readOnly")),
                    new Measurement<int>(TakePeak(ref _mutatingPeak, ref _mutating), new KeyValuePair<string, object?>("request_kind", "mutating")),
                },
                unit: null,
                description: "[STABLE] Maximal number of currently used inflight request limit of this apiserver per request kind in last second.");
            _recordPeaks = true;
        }
    }


    /// <summary>A request whose handler finishes synchronously (a get from memory) is counted and released without an async frame of this filter.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // As upstream's WithMaxInFlightLimit: only the verbs get, list and watch are read-only (a HEAD or OPTIONS of a
        // non-resource path has the verb "head" or "options", so it counts as mutating there too).
        var mutating = RequestInfo.Of(context).Verb is not ("get" or "list" or "watch");
        var max = mutating ? _maxMutating : _maxReadOnly;
        if (max <= 0 || LongRunningRequests.IsLongRunning(context) || PrivilegedUsers.IsPrivileged(context.GetUser()))
        {
            return next(context);
        }

        ref var counter = ref mutating ? ref _mutating : ref _readOnly;
        var now = Interlocked.Increment(ref counter);
        if (now > max)
        {
            Interlocked.Decrement(ref counter);
            return TooManyRequests.WriteAsync(context);
        }

        if (_recordPeaks)
        {
            RaisePeak(ref mutating ? ref _mutatingPeak : ref _readOnlyPeak, now);
        }

        Task served;
        try
        {
            served = next(context);
        }
        catch (Exception e)
        {
            // As an async method would: the failure in the returned task, the request released.
            served = Task.FromException(e);
        }

        if (!served.IsCompleted)
        {
            return ReleaseWhenServedAsync(served, mutating);
        }

        Interlocked.Decrement(ref counter);
        return served;
    }

    private async Task ReleaseWhenServedAsync(Task served, bool mutating)
    {
        try
        {
            await served;
        }
        finally
        {
            Interlocked.Decrement(ref mutating ? ref _mutating : ref _readOnly);
        }
    }

    private static void RaisePeak(ref int peak, int value)
    {
        var current = Volatile.Read(ref peak);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref peak, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>The most in flight since the last call; the next period starts from the number in flight now.</summary>
    private static int TakePeak(ref int peak, ref int inFlight)
    {
        var current = Volatile.Read(ref inFlight);
        return Math.Max(Interlocked.Exchange(ref peak, current), current);
    }
}
