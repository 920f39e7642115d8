using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>
/// The roles and bindings of one store snapshot, parsed once and indexed for the RBAC authorizer (upstream's listers).
/// Immutable: <see cref="RbacPolicySource"/> builds a new one only when an RBAC object changed.
/// </summary>
internal sealed class RbacPolicy
{
    public const string Group = "rbac.authorization.k8s.io";

    /// <summary>The storage key prefixes of the four RBAC resources.</summary>
    public static readonly IReadOnlyList<string> KeyPrefixes =
        [.. new[] { "roles", "clusterroles", "rolebindings", "clusterrolebindings" }.Select(p => ResourceDefinition.KeyPrefixOf(Group, p))];

    private readonly Dictionary<string, IReadOnlyList<PolicyRule>> _clusterRoles;
    private readonly Dictionary<(string Namespace, string Name), IReadOnlyList<PolicyRule>> _roles;
    private readonly IReadOnlyList<RbacBinding> _clusterRoleBindings;
    private readonly Dictionary<string, List<RbacBinding>> _roleBindings;

    private RbacPolicy(
        Dictionary<string, IReadOnlyList<PolicyRule>> clusterRoles, Dictionary<(string, string), IReadOnlyList<PolicyRule>> roles,
        IReadOnlyList<RbacBinding> clusterRoleBindings, Dictionary<string, List<RbacBinding>> roleBindings)
    {
        _clusterRoles = clusterRoles;
        _roles = roles;
        _clusterRoleBindings = clusterRoleBindings;
        _roleBindings = roleBindings;
    }

    /// <summary>Called for each rule a user holds (or each error resolving a role); returns false to stop.</summary>
    public delegate bool RuleVisitor(RbacBinding? binding, RbacSubject? subject, PolicyRule? rule, string? error);

    public static RbacPolicy Build(StoreSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var roles = new Dictionary<(string, string), IReadOnlyList<PolicyRule>>();
        foreach (var stored in snapshot.Range(KeyPrefixes[0]))
        {
            var role = ObjectJson.Parse(stored.Value);
            roles[(role.Namespace(), role.Name())] = PolicyRule.ListFromJson(role["rules"]);
        }

        var clusterRoles = new Dictionary<string, IReadOnlyList<PolicyRule>>(StringComparer.Ordinal);
        foreach (var stored in snapshot.Range(KeyPrefixes[1]))
        {
            var role = ObjectJson.Parse(stored.Value);
            clusterRoles[role.Name()] = PolicyRule.ListFromJson(role["rules"]);
        }

        var roleBindings = new Dictionary<string, List<RbacBinding>>(StringComparer.Ordinal);
        foreach (var stored in snapshot.Range(KeyPrefixes[2]))
        {
            var binding = RbacBinding.FromJson(ObjectJson.Parse(stored.Value));
            if (!roleBindings.TryGetValue(binding.Namespace, out var list))
            {
                roleBindings[binding.Namespace] = list = [];
            }

            list.Add(binding);
        }

        var clusterRoleBindings = snapshot.Range(KeyPrefixes[3]).Select(s => RbacBinding.FromJson(ObjectJson.Parse(s.Value)) with { Namespace = "" }).ToList();
        return new RbacPolicy(clusterRoles, roles, clusterRoleBindings, roleBindings);
    }

    /// <summary>
    /// The rules a role reference grants (upstream's GetRoleReferenceRules), or the error naming the missing role,
    /// e.g. <c>clusterrole.rbac.authorization.k8s.io "x" not found</c>.
    /// </summary>
    public (IReadOnlyList<PolicyRule> Rules, string? Error) RoleReferenceRules(RbacRoleRef roleRef, string bindingNamespace) => roleRef.Kind switch
    {
        RbacRoleRef.Role => _roles.TryGetValue((bindingNamespace, roleRef.Name), out var rules)
            ? (rules, null)
            : ([], $"role.{Group} {PolicyRule.GoQuote(roleRef.Name)} not found"),
        RbacRoleRef.ClusterRole => _clusterRoles.TryGetValue(roleRef.Name, out var rules)
            ? (rules, null)
            : ([], $"clusterrole.{Group} {PolicyRule.GoQuote(roleRef.Name)} not found"),
        _ => ([], $"unsupported role reference kind: {PolicyRule.GoQuote(roleRef.Kind)}"),
    };

    /// <summary>
    /// Visits the rules <paramref name="user"/> holds in <paramref name="ns"/>, as upstream's VisitRulesFor: every
    /// ClusterRoleBinding first, then the RoleBindings of the namespace (none when <paramref name="ns"/> is "").
    /// </summary>
    public void VisitRulesFor(UserInfo user, string ns, RuleVisitor visitor)
    {
        if (!Visit(_clusterRoleBindings, user, visitor))
        {
            return;
        }

        if (ns.Length > 0 && _roleBindings.TryGetValue(ns, out var bindings))
        {
            Visit(bindings, user, visitor);
        }
    }

    /// <summary>Every rule <paramref name="user"/> holds in <paramref name="ns"/>, and the errors resolving their roles (upstream's RulesFor).</summary>
    public (List<PolicyRule> Rules, List<string> Errors) RulesFor(UserInfo user, string ns)
    {
        var rules = new List<PolicyRule>();
        var errors = new List<string>();
        VisitRulesFor(user, ns, (_, _, rule, error) =>
        {
            if (rule is not null)
            {
                rules.Add(rule);
            }

            if (error is not null)
            {
                errors.Add(error);
            }

            return true;
        });
        return (rules, errors);
    }

    private bool Visit(IReadOnlyList<RbacBinding> bindings, UserInfo user, RuleVisitor visitor)
    {
        foreach (var binding in bindings)
        {
            var subject = binding.Subjects.FirstOrDefault(s => s.AppliesTo(user, binding.Namespace));
            if (subject is null)
            {
                continue;
            }

            var (rules, error) = RoleReferenceRules(binding.RoleRef, binding.Namespace);
            if (error is not null)
            {
                if (!visitor(null, null, null, error))
                {
                    return false;
                }

                continue;
            }

            foreach (var rule in rules)
            {
                if (!visitor(binding, subject, rule, null))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
