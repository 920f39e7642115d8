using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Security.Limits;

/// <summary>
/// kube-apiserver's max-in-flight filter: at most <see cref="RequestLimits.MaxRequestsInflight"/> read-only and
/// <see cref="RequestLimits.MaxMutatingRequestsInflight"/> mutating requests are served at once; the next one is a 429
/// TooManyRequests Status with Retry-After: 1. Long-running requests and system:masters users are not counted.
/// Two interlocked counters: no lock and no allocation per request.
/// </summary>
internal sealed class InFlightLimit
{
    private readonly int _maxReadOnly;
    private readonly int _maxMutating;
    private int _readOnly;
    private int _mutating;

    public InFlightLimit(RequestLimits limits)
    {
        _maxReadOnly = limits.MaxRequestsInflight;
        _maxMutating = limits.MaxMutatingRequestsInflight;
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        // As upstream's WithMaxInFlightLimit: only the verbs get, list and watch are read-only (a HEAD or OPTIONS of a
        // non-resource path has the verb "head" or "options", so it counts as mutating there too).
        var mutating = RequestInfo.Of(context).Verb is not ("get" or "list" or "watch");
        var max = mutating ? _maxMutating : _maxReadOnly;
        if (max <= 0 || LongRunningRequests.IsLongRunning(context) || PrivilegedUsers.IsPrivileged(context.GetUser()))
        {
            await next(context);
            return;
        }

        ref var counter = ref mutating ? ref _mutating : ref _readOnly;
        if (Interlocked.Increment(ref counter) > max)
        {
            Interlocked.Decrement(ref counter);
            await TooManyRequests.WriteAsync(context);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref mutating ? ref _mutating : ref _readOnly);
        }
    }
}
