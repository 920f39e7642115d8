using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Security.Authorization;

/// <summary>--authorization-mode=AlwaysAllow: every request is allowed; the rules are "everything".</summary>
internal sealed class AlwaysAllowAuthorizer : IAuthorizer
{
    private static readonly SubjectRules Everything = new(
        [
            new PolicyRule { Verbs = ["*"], ApiGroups = ["*"], Resources = ["*"] },
            new PolicyRule { Verbs = ["*"], NonResourceUrls = ["*"] },
        ],
        false, []);

    public AuthorizationDecision Authorize(AuthorizationAttributes attributes) => AuthorizationDecision.Allow();

    public SubjectRules RulesFor(UserInfo user, string ns) => Everything;
}
