using FakeApiServer.Api;
using FakeApiServer.Security.Limits;

namespace FakeApiServer.FaultInjection;

/// <summary>The Status an injected fault answers with: the reason and message kube-apiserver gives for that code.</summary>
internal static class FaultStatus
{
    /// <summary>The error behind an injected 500 when the rule names none.</summary>
    public const string InjectedError = "fakeapiserver: injected fault";

    public static ApiException For(FaultRule rule, FaultRequest request)
    {
        var code = rule.StatusCode ?? 500;
        var resource = new GroupResource(request.Group, request.Resource);
        var retryAfter = rule.RetryAfterSeconds ?? 0;
        return code switch
        {
            // apierrors.NewConflict, with the optimistic-concurrency text unless the rule gives its own reason.
            409 when rule.Message is null => ApiException.Conflict(resource, request.Name),
            409 => ApiException.ConflictWith(resource, request.Name, rule.Message),
            // apierrors.NewTooManyRequests (the in-flight limit's message), Retry-After 1 unless told.
            429 => new ApiException(429, "TooManyRequests", rule.Message ?? TooManyRequests.Message,
                new StatusDetails(null, null, null) { RetryAfterSeconds = rule.RetryAfterSeconds ?? 1 }),
            // apierrors.NewInternalError(err).
            500 => new ApiException(500, "InternalError", "Internal error occurred: " + (rule.Message ?? InjectedError),
                new StatusDetails(null, null, null) { Causes = [new StatusCause("", rule.Message ?? InjectedError, "")], RetryAfterSeconds = retryAfter }),
            // apierrors.NewServiceUnavailable(reason).
            503 => new ApiException(503, "ServiceUnavailable", rule.Message ?? "the server is currently unable to handle the request",
                new StatusDetails(null, null, null) { RetryAfterSeconds = retryAfter }),
            // apierrors.NewTimeoutError, as the request timeout filter words it.
            504 => new ApiException(504, "Timeout", "Timeout: " + (rule.Message ?? "request did not complete within requested timeout - context deadline exceeded"),
                new StatusDetails(null, null, null) { RetryAfterSeconds = retryAfter }),
            404 when request.Resource.Length > 0 && rule.Message is null => ApiException.NotFound(resource, request.Name),
            403 => ApiException.Forbidden(resource, request.Name, rule.Message ?? ForbiddenReason(request)),
            410 => new ApiException(410, "Gone", rule.Message ?? "the requested resource is no longer available"),
            _ => Generic(code, rule.Message, retryAfter),
        };
    }

    /// <summary>RBAC's words for a denied request.</summary>
    private static string ForbiddenReason(FaultRequest request) =>
        request.Resource.Length == 0
            ? $"User \"{request.User}\" cannot {request.Verb} path \"{request.Path}\""
            : $"User \"{request.User}\" cannot {request.Verb} resource \"{(request.Subresource.Length > 0 ? request.Resource + "/" + request.Subresource : request.Resource)}\" in API group \"{request.Group}\""
              + (request.Namespace.Length > 0 ? $" in the namespace \"{request.Namespace}\"" : " at the cluster scope");

    /// <summary>apierrors.NewGenericServerResponse: the reason and message a client library gives a bare code.</summary>
    private static ApiException Generic(int code, string? message, int retryAfter)
    {
        var (reason, text) = code switch
        {
            400 => ("BadRequest", "the server rejected our request for an unknown reason"),
            401 => ("Unauthorized", "Unauthorized"),
            404 => ("NotFound", "the server could not find the requested resource"),
            405 => ("MethodNotAllowed", "the server does not allow this method on the requested resource"),
            406 => ("NotAcceptable", "the server was unable to respond with a content type that the client supports"),
            413 => ("RequestEntityTooLarge", "the server rejected our request because the request entity is too large"),
            415 => ("UnsupportedMediaType", "the server was unable to respond with a content type that the client supports"),
            422 => ("Invalid", "the server rejected our request due to an error in our request"),
            _ => ("Unknown", $"an error on the server (\"unknown\") has prevented the request from succeeding"),
        };
        return new ApiException(code, reason, message ?? text, new StatusDetails(null, null, null) { RetryAfterSeconds = retryAfter });
    }
}
