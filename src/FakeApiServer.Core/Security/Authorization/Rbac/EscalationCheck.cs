using FakeApiServer.Api;

namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>
/// Upstream's rbac/validation ConfirmNoEscalation and the registry's EscalationAllowed: a user may grant only what
/// they hold (their RBAC rules in the request's namespace cover the granted rules); system:masters may grant anything.
/// </summary>
internal sealed class EscalationCheck
{
    private readonly RbacPolicySource _policy;

    public EscalationCheck(IAuthorizer authorizer, RbacPolicySource policy)
    {
        Authorizer = authorizer;
        _policy = policy;
    }

    /// <summary>The server's authorizer, for the "escalate" and "bind" verbs that waive the check.</summary>
    public IAuthorizer Authorizer { get; }

    public RbacPolicy Policy => _policy.Current;

    /// <summary>upstream's EscalationAllowed: members of system:masters bypass every escalation check.</summary>
    public static bool EscalationAllowed(UserInfo user) => PrivilegedGroupsAuthorizer.IsPrivileged(user);

    /// <summary>
    /// Null when <paramref name="user"/> holds every rule in <paramref name="granted"/> in <paramref name="ns"/>; otherwise
    /// upstream's message: <c>user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:</c>
    /// followed by one compacted missing rule per line.
    /// </summary>
    public string? Confirm(UserInfo user, string ns, IEnumerable<PolicyRule> granted)
    {
        ArgumentNullException.ThrowIfNull(user);
        var (owned, errors) = _policy.Current.RulesFor(user, ns);
        var missing = RuleCoverage.Uncovered(owned, granted);
        if (missing.Count == 0)
        {
            return null;
        }

        var descriptions = RuleCoverage.Compact(missing).Select(r => r.CompactString()).Distinct().Order(StringComparer.Ordinal);
        var message = $"user {PolicyRule.GoQuote(user.Name)} (groups={PolicyRule.GoQuoted(user.Groups)}) is attempting to grant RBAC permissions not currently held:\n"
            + string.Join('\n', descriptions);
        if (errors.Count > 0)
        {
            message += "; resolution errors: [" + string.Join(' ', errors) + "]";
        }

        return message;
    }

    /// <summary>Whether the authorizer allows <paramref name="verb"/> ("escalate", "bind") on the named role.</summary>
    public bool Allows(UserInfo user, string verb, string resource, string ns, string name) =>
        Authorizer.Authorize(AuthorizationAttributes.ForResource(user, verb, RbacPolicy.Group, resource, ns, name)).Allowed;

    /// <summary>A 403 for <paramref name="resource"/> named <paramref name="name"/> with <paramref name="why"/>.</summary>
    public static ApiException Forbidden(string resource, string name, string why) =>
        ApiException.Forbidden(new GroupResource(RbacPolicy.Group, resource), name, why);
}
