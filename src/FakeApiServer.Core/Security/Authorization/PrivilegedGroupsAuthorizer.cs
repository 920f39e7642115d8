namespace FakeApiServer.Security.Authorization;

/// <summary>
/// kube-apiserver's privileged-groups authorizer, always first: members of system:masters are allowed everything,
/// whatever the modes say (so a broken RBAC policy cannot lock the administrator out).
/// </summary>
internal sealed class PrivilegedGroupsAuthorizer : IAuthorizer
{
    public AuthorizationDecision Authorize(AuthorizationAttributes attributes) =>
        IsPrivileged(attributes.User) ? AuthorizationDecision.Allow() : AuthorizationDecision.NoOpinion();

    /// <summary>No rules of its own: cluster-admin's binding to system:masters shows what the group holds.</summary>
    public SubjectRules RulesFor(UserInfo user, string ns) => SubjectRules.None;

    /// <summary>Whether the user is in system:masters (upstream's EscalationAllowed uses the same test).</summary>
    public static bool IsPrivileged(UserInfo user) => user.Groups.Contains(UserInfo.MastersGroup, StringComparer.Ordinal);
}
