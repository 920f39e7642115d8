namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>
/// --authorization-mode=RBAC, as upstream's plugin/pkg/auth/authorizer/rbac: allowed when a rule bound to the user
/// (directly, through a group, or as a service account) allows the request; otherwise no opinion, with the errors met
/// resolving roles as the reason (<c>RBAC: clusterrole.rbac.authorization.k8s.io "x" not found</c>).
/// </summary>
internal sealed class RbacAuthorizer : IAuthorizer
{
    private readonly RbacPolicySource _policy;

    public RbacAuthorizer(RbacPolicySource policy) => _policy = policy;

    public AuthorizationDecision Authorize(AuthorizationAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        string? allowedBy = null;
        List<string>? errors = null;
        _policy.Current.VisitRulesFor(attributes.User, attributes.Namespace, (binding, subject, rule, error) =>
        {
            if (rule is not null && PolicyRuleMatching.Allows(rule, attributes))
            {
                allowedBy = binding!.Describe(subject!);
                return false;
            }

            if (error is not null)
            {
                (errors ??= []).Add(error);
            }

            return true;
        });
        if (allowedBy is not null)
        {
            return AuthorizationDecision.Allow("RBAC: allowed by " + allowedBy);
        }

        return AuthorizationDecision.NoOpinion(errors is null ? "" : "RBAC: " + Aggregate(errors));
    }

    public SubjectRules RulesFor(UserInfo user, string ns)
    {
        var (rules, errors) = _policy.Current.RulesFor(user, ns);

        // As upstream, errors resolving roles do not make the list incomplete; they are its evaluation error.
        return new SubjectRules(rules, false, errors);
    }

    /// <summary>Upstream's utilerrors.NewAggregate(...).Error(): one message alone, several as [a, b] without repeats.</summary>
    public static string Aggregate(IReadOnlyList<string> errors)
    {
        var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }
}
