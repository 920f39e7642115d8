namespace FakeApiServer.Security.Authorization;

/// <summary>
/// One authorization mode (upstream's authorizer.Authorizer and authorizer.RuleResolver together): decides a request
/// and lists what a user may do in a namespace (SelfSubjectRulesReview, kubectl auth can-i --list). Implementations
/// are synchronous and cheap: they run on every request.
/// </summary>
internal interface IAuthorizer
{
    /// <summary>Decides one request.</summary>
    AuthorizationDecision Authorize(AuthorizationAttributes attributes);

    /// <summary>The rules <paramref name="user"/> holds in <paramref name="ns"/> ("" for cluster-wide rules only).</summary>
    SubjectRules RulesFor(UserInfo user, string ns);
}
