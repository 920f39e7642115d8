using FakeApiServer.Security.Impersonation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Security.Authorization;

/// <summary>Puts impersonation and authorization into the ASP.NET pipeline, after authentication and before the routes run.</summary>
internal static class SecurityFilters
{
    public static IApplicationBuilder UseImpersonationAndAuthorization(this IApplicationBuilder app, IAuthorizer authorizer, ILogger logger)
    {
        var impersonation = new ImpersonationFilter(authorizer, logger);
        var authorization = new AuthorizationFilter(authorizer, logger);
        app.Use((context, next) => impersonation.InvokeAsync(context, next));
        app.Use((context, next) => authorization.InvokeAsync(context, next));
        return app;
    }
}
