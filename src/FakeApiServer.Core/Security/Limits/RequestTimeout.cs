using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FakeApiServer.Security.Limits;

/// <summary>
/// kube-apiserver's timeout for requests that are not long-running (--request-timeout, shortened by a request's own
/// ?timeout=, as client-go sends for kubectl --request-timeout; a longer one is capped): when it passes, the request's
/// cancellation token (<see cref="HttpContext.RequestAborted"/>) fires and the client gets a 504 Timeout Status with
/// upstream's message at once, unless the response had already begun; a handler that does not stop runs on unheard.
/// A handler that runs on the request's thread sees the deadline from its first await on (its synchronous part, a get
/// from memory or a small write's decoding up to the store, is not interrupted anyway).
/// </summary>
internal sealed class RequestTimeout
{
    /// <summary>apierrors.NewTimeoutError("request did not complete within requested timeout - context deadline exceeded").</summary>
    private static readonly byte[] TimeoutStatus = ApiErrors.StatusBytes(
        ApiException.Timeout("Timeout: request did not complete within requested timeout - context deadline exceeded"));

    /// <summary>The largest body of a write that runs on the request's thread (a 2 KiB ConfigMap is far below; a 3 MiB one is not).</summary>
    private const long InlineBodyBytes = 64 * 1024;

    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public RequestTimeout(RequestLimits limits, TimeProvider time)
    {
        _timeout = limits.RequestTimeout;
        _time = time;
    }

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var info = RequestInfo.Of(context);
        return _timeout <= TimeSpan.Zero || LongRunningRequests.IsLongRunning(info) ? next(context) : GuardAsync(context, next, info);
    }

    private async Task GuardAsync(HttpContext context, RequestDelegate next, RequestInfo info)
    {
        var aborted = context.RequestAborted;
        var limit = RequestedTimeout(context.Request) is { } requested && requested < _timeout ? requested : _timeout;
        var started = _time.GetTimestamp();

        // The deadline's timer and its link to the client's abort are armed when the handler is still running: before it
        // starts for a handler on the pool, when its synchronous part returns for one on this thread. A get served from
        // memory has finished by then, and never takes the timer queue's lock twice (create, dispose) nor the
        // registrations a timer and a link cost per request. The deadline still counts from here.
        using var deadline = new CancellationTokenSource();
        var armed = default(Deadline);
        // The features' indexer rather than Get<T>/Set<T>, whose generic virtual calls are resolved at run time.
        var prior = context.Features[typeof(IHttpResponseBodyFeature)] as IHttpResponseBodyFeature
            ?? throw new InvalidOperationException($"Feature '{typeof(IHttpResponseBodyFeature)}' is not present.");
        var body = prior.Stream;
        var guarded = new TimedOutResponseBody(prior);
        context.Features[typeof(IHttpResponseBodyFeature)] = guarded;
        context.RequestAborted = deadline.Token;
        Task handler;
        if (RunsInline(info, context.Request))
        {
            handler = Inline(context, next);
            if (!handler.IsCompleted)
            {
                armed = Deadline.Arm(deadline, limit - _time.GetElapsedTime(started), _time, aborted);
            }
            else if (_time.GetElapsedTime(started) >= limit)
            {
                // What the timer would have done while the handler ran.
                deadline.Cancel();
            }
        }
        else
        {
            armed = Deadline.Arm(deadline, limit, _time, aborted);
            handler = OnThePool(context, next);
        }

        using var disarm = armed;

        // As upstream's timeout filter: the 504 is sent when the deadline passes even if the handler does not look at
        // its cancellation token; the handler runs on, and what it writes after that is dropped. A handler that has
        // already finished (a get served from memory, usually) needs no waiting for.
        if (!handler.IsCompleted)
        {
            var timer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (deadline.Token.UnsafeRegister(static t => ((TaskCompletionSource)t!).TrySetResult(), timer))
            {
                await Task.WhenAny(handler, timer.Task);
            }
        }

        if (!handler.IsCompleted)
        {
            if (!aborted.IsCancellationRequested && guarded.TryTimeOut() && !context.Response.HasStarted)
            {
                // The answer is complete on the wire at once; the handler's context stays valid until it returns (its
                // later writes are dropped, and its errors are nobody's), then the request ends.
                await WriteTimeoutAsync(context, body, aborted);
                await context.Response.CompleteAsync();
            }

            await FinishAsync(context, handler, prior, aborted);
            return;
        }

        bool timedOut;
        try
        {
            await handler;
            timedOut = deadline.IsCancellationRequested && !aborted.IsCancellationRequested;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            timedOut = true;
        }
        finally
        {
            context.RequestAborted = aborted;
            context.Features[typeof(IHttpResponseBodyFeature)] = prior;
        }

        if (timedOut && !context.Response.HasStarted)
        {
            await WriteTimeoutAsync(context, body, aborted);
        }
    }

    /// <summary>
    /// A request's armed deadline: the timer (of the server's <see cref="TimeProvider"/>) that cancels the handler's token
    /// when the request's time is up, and the link that cancels it when the client goes away. Disposing disarms both.
    /// </summary>
    private readonly struct Deadline : IDisposable
    {
        private readonly ITimer? _timer;
        private readonly CancellationTokenRegistration _abort;

        private Deadline(ITimer timer, CancellationTokenRegistration abort)
        {
            _timer = timer;
            _abort = abort;
        }

        /// <summary>Cancels <paramref name="deadline"/> after <paramref name="remaining"/> (at once when none is left) or when <paramref name="aborted"/> is.</summary>
        public static Deadline Arm(CancellationTokenSource deadline, TimeSpan remaining, TimeProvider time, CancellationToken aborted)
        {
            var timer = time.CreateTimer(Expire, deadline, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            return new Deadline(timer, aborted.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), deadline));
        }

        public void Dispose()
        {
            _abort.Dispose();
            _timer?.Dispose();
        }

        // A timer's Dispose does not wait for a callback already running, so the request may have ended (and its
        // source been disposed) by the time this one cancels: then there is nothing left to cancel.
        private static void Expire(object? source)
        {
            try
            {
                ((CancellationTokenSource)source!).Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>
    /// Whether the handler runs on this thread: a get of one object (its synchronous part is one object's bytes, or one
    /// Table row, so it cannot hold up the 504 for long), without the hop to the pool and back that was a good part of
    /// a get's CPU. So does a create, update or patch of an object or its status with a body of at most
    /// <see cref="InlineBodyBytes"/>: its synchronous part is that body's and one stored object's decoding, defaulting,
    /// admission and validation, up to the store's write, which it awaits (issue 20; docs/benchmarks.md, session 12).
    /// Every other request starts on the pool: a handler that runs synchronously for long (a large body, a large list,
    /// a collection's deletion) must not hold up the answer.
    /// </summary>
    private static bool RunsInline(RequestInfo info, HttpRequest request) =>
        info.IsResourceRequest && (info.Verb == "get"
            || (info.Verb is "create" or "update" or "patch" && info.Subresource is "" or "status" && request.ContentLength is <= InlineBodyBytes));

    private static Task Inline(HttpContext context, RequestDelegate next)
    {
        try
        {
            return next(context);
        }
        catch (Exception e)
        {
            // As on the pool: a handler that throws before its first await fails its task.
            return Task.FromException(e);
        }
    }

    private static Task OnThePool(HttpContext context, RequestDelegate next) => Task.Run(() => next(context), CancellationToken.None);

    /// <summary>Waits for a handler the timeout no longer waits for: its failure was answered already, or by the handler itself.</summary>
    private static async Task FinishAsync(HttpContext context, Task handler, IHttpResponseBodyFeature prior, CancellationToken aborted)
    {
        try
        {
            await handler;
        }
        catch (Exception) when (context.Response.HasStarted || aborted.IsCancellationRequested)
        {
            // The client has its answer (the 504 or the start of the handler's), or has left.
        }
        finally
        {
            context.RequestAborted = aborted;
            context.Features[typeof(IHttpResponseBodyFeature)] = prior;
        }
    }

    private static async Task WriteTimeoutAsync(HttpContext context, Stream body, CancellationToken aborted)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
        context.Response.ContentType = "application/json";
        await body.WriteAsync(TimeoutStatus, aborted);
        await body.WriteAsync("\n"u8.ToArray(), aborted);
    }

    /// <summary>The request's ?timeout= (a Go duration such as 5s), when it has a valid positive one.</summary>
    private static TimeSpan? RequestedTimeout(HttpRequest request) =>
        request.QueryString.Value is { } query && query.Contains("timeout=", StringComparison.Ordinal)
            && Schema.Cel.CelFunctions.TryParseDuration(request.Query["timeout"].ToString(), out var timeout) && timeout > TimeSpan.Zero
            ? timeout
            : null;
}
