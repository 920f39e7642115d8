using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Security.Authorization;

/// <summary>
/// The authorization step of the handler chain (upstream's WithAuthorization), after authentication and impersonation:
/// every request, resource or not, is decided before a route runs; a refused one is answered with the 403 Status.
/// </summary>
internal sealed class AuthorizationFilter
{
    private readonly IAuthorizer _authorizer;
    private readonly ILogger _logger;

    public AuthorizationFilter(IAuthorizer authorizer, ILogger logger)
    {
        _authorizer = authorizer;
        _logger = logger;
    }

    /// <summary>An allowed request goes on to the next step without an async frame of this filter.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var attributes = RequestAttributes.From(context);
        AuthorizationDecision decision;
        using (Observability.Tracing.ApiServerTracing.StartStep("authorization"))
        {
            decision = _authorizer.Authorize(attributes);
        }

        Observability.Audit.AuthorizationAnnotations.Add(context, decision);
        return decision.Allowed ? next(context) : ApiErrors.WriteAsync(context, ForbiddenError.For(attributes, decision.Reason), _logger);
    }
}
