using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Security.Limits;

/// <summary>The 429 a limit answers: a TooManyRequests Status with upstream's message and Retry-After: 1.</summary>
internal static class TooManyRequests
{
    /// <summary>Upstream's message for a request over the in-flight limit.</summary>
    public const string Message = "Too many requests, please try again later.";

    /// <summary>apierrors.NewTooManyRequestsError: the details carry retryAfterSeconds.</summary>
    private static readonly byte[] Status = ApiErrors.StatusBytes(
        new ApiException(429, "TooManyRequests", Message, new StatusDetails(null, null, null) { RetryAfterSeconds = 1 }));

    public static Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = "1";
        context.Response.ContentType = "application/json";
        return JsonBody.WriteAsync(context, Status).AsTask();
    }
}
