using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Security.Limits;

/// <summary>
/// kube-apiserver's timeout for requests that are not long-running (--request-timeout, shortened by a request's own
/// ?timeout=, as client-go sends for kubectl --request-timeout; a longer one is capped): when it passes, the request's
/// cancellation token (<see cref="HttpContext.RequestAborted"/>) fires, the handler stops, and the client gets a 504
/// Timeout Status with upstream's message, unless the response had already begun.
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
        if (_timeout <= TimeSpan.Zero || LongRunningRequests.IsLongRunning(context.Request))
        {
            await next(context);
            return;
        }

        var aborted = context.RequestAborted;
        using var deadline = new CancellationTokenSource(RequestedTimeout(context.Request) is { } requested && requested < _timeout ? requested : _timeout, _time);
        using var abort = aborted.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), deadline);
        context.RequestAborted = deadline.Token;
        bool timedOut;
        try
        {
            await next(context);
            timedOut = deadline.IsCancellationRequested && !aborted.IsCancellationRequested;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            timedOut = true;
        }
        finally
        {
            context.RequestAborted = aborted;
        }

        if (timedOut && !context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
            context.Response.ContentType = "application/json";
            await JsonBody.WriteAsync(context, TimeoutStatus);
        }
    }

    /// <summary>The request's ?timeout= (a Go duration such as 5s), when it has a valid positive one.</summary>
    private static TimeSpan? RequestedTimeout(HttpRequest request) =>
        request.QueryString.Value is { } query && query.Contains("timeout=", StringComparison.Ordinal)
            && Schema.Cel.CelFunctions.TryParseDuration(request.Query["timeout"].ToString(), out var timeout) && timeout > TimeSpan.Zero
            ? timeout
            : null;
}
