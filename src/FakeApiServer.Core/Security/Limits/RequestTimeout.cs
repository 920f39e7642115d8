using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Security.Limits;

/// <summary>
/// kube-apiserver's timeout for requests that are not long-running (--request-timeout, shortened by a request's own
/// ?timeout=, as client-go sends for kubectl --request-timeout; a longer one is capped): when it passes, the request's
/// cancellation token (<see cref="HttpContext.RequestAborted"/>) fires and the client gets a 504 Timeout Status with
/// upstream's message at once, unless the response had already begun; a handler that does not stop runs on unheard.
/// </summary>
internal sealed class RequestTimeout
{
    /// <summary>apierrors.NewTimeoutError("request did not complete within requested timeout - context deadline exceeded").</summary>
    private static readonly byte[] TimeoutStatus = ApiErrors.StatusBytes(
        ApiException.Timeout("Timeout: request did not complete within requested timeout - context deadline exceeded"));

    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public RequestTimeout(RequestLimits limits, TimeProvider time)
    {
        _timeout = limits.RequestTimeout;
        _time = time;
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (_timeout <= TimeSpan.Zero || LongRunningRequests.IsLongRunning(context))
        {
            await next(context);
            return;
        }

        var aborted = context.RequestAborted;
        var limit = RequestedTimeout(context.Request) is { } requested && requested < _timeout ? requested : _timeout;
        using var deadline = new CancellationTokenSource(limit, _time);
        using var abort = aborted.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), deadline);
        var body = context.Response.Body;
        var guarded = new TimedOutResponseStream(body);
        context.Response.Body = guarded;
        context.RequestAborted = deadline.Token;
        // On the pool: a handler that runs synchronously for long (a huge strategic patch) must not hold up the answer.
        var handler = Task.Run(() => next(context), CancellationToken.None);

        // As upstream's timeout filter: the 504 is sent when the deadline passes even if the handler does not look at
        // its cancellation token; the handler runs on, and what it writes after that is dropped.
        var timer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (deadline.Token.UnsafeRegister(static t => ((TaskCompletionSource)t!).TrySetResult(), timer))
        {
            await Task.WhenAny(handler, timer.Task);
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

            await FinishAsync(context, handler, body, aborted);
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
            context.Response.Body = body;
        }

        if (timedOut && !context.Response.HasStarted)
        {
            await WriteTimeoutAsync(context, body, aborted);
        }
    }

    /// <summary>Waits for a handler the timeout no longer waits for: its failure was answered already, or by the handler itself.</summary>
    private static async Task FinishAsync(HttpContext context, Task handler, Stream body, CancellationToken aborted)
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
            context.Response.Body = body;
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
