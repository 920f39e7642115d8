using FakeApiServer.Security.Authorization;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Observability.Audit;

/// <summary>The annotations upstream's WithAuthorization adds to a request's audit event: the decision and the authorizer's reason.</summary>
internal static class AuthorizationAnnotations
{
    public const string DecisionKey = "authorization.k8s.io/decision";
    public const string ReasonKey = "authorization.k8s.io/reason";

    public static void Add(HttpContext context, AuthorizationDecision decision)
    {
        if (RequestAudit.Of(context) is { } audit)
        {
            audit.AddAnnotation(DecisionKey, decision.Allowed ? "allow" : "forbid");
            audit.AddAnnotation(ReasonKey, decision.Reason);
        }
    }
}
