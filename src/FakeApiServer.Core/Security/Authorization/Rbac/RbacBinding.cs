using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>rbac.authorization.k8s.io/v1 Subject: a User, Group or ServiceAccount (whose namespace may default to the binding's).</summary>
internal sealed record RbacSubject(string Kind, string Name, string Namespace)
{
    public const string User = "User";
    public const string Group = "Group";
    public const string ServiceAccount = "ServiceAccount";

    /// <summary>The service account user name prefix, as upstream's serviceaccount.ServiceAccountUsernamePrefix.</summary>
    public const string ServiceAccountUserPrefix = "system:serviceaccount:";

    /// <summary>
    /// Whether the subject names <paramref name="user"/>, as upstream's appliesToUser: a ServiceAccount without a namespace
    /// takes <paramref name="bindingNamespace"/> (never matches in a ClusterRoleBinding, whose namespace is "").
    /// </summary>
    public bool AppliesTo(UserInfo user, string bindingNamespace)
    {
        switch (Kind)
        {
            case User:
                return user.Name == Name;
            case Group:
                return user.Groups.Contains(Name, StringComparer.Ordinal);
            case ServiceAccount:
                var ns = Namespace.Length > 0 ? Namespace : bindingNamespace;
                return ns.Length > 0 && user.Name == ServiceAccountUserPrefix + ns + ":" + Name;
            default:
                return false;
        }
    }

    /// <summary>As upstream's describeSubject: <c>User "bob"</c>, <c>ServiceAccount "x/ns"</c>.</summary>
    public string Describe(string bindingNamespace) => Kind == ServiceAccount
        ? $"{Kind} {PolicyRule.GoQuote(Name + "/" + (Namespace.Length > 0 ? Namespace : bindingNamespace))}"
        : $"{Kind} {PolicyRule.GoQuote(Name)}";

    public static RbacSubject FromJson(JsonObject subject) =>
        new(subject.GetString("kind") ?? "", subject.GetString("name") ?? "", subject.GetString("namespace") ?? "");
}

/// <summary>A binding's roleRef: the Role (in the binding's namespace) or ClusterRole it grants.</summary>
internal sealed record RbacRoleRef(string Kind, string Name)
{
    public const string Role = "Role";
    public const string ClusterRole = "ClusterRole";

    public static RbacRoleRef FromJson(JsonNode? roleRef) => roleRef is JsonObject o
        ? new RbacRoleRef(o.GetString("kind") ?? "", o.GetString("name") ?? "")
        : new RbacRoleRef("", "");
}

/// <summary>A RoleBinding (namespace set) or ClusterRoleBinding (namespace "") as the RBAC authorizer reads it.</summary>
internal sealed record RbacBinding(string Namespace, string Name, RbacRoleRef RoleRef, IReadOnlyList<RbacSubject> Subjects)
{
    public bool IsClusterRoleBinding => Namespace.Length == 0;

    /// <summary>As upstream's binding describers: <c>ClusterRoleBinding "x" of ClusterRole "y" to Group "z"</c>.</summary>
    public string Describe(RbacSubject subject) => IsClusterRoleBinding
        ? $"ClusterRoleBinding {PolicyRule.GoQuote(Name)} of {RoleRef.Kind} {PolicyRule.GoQuote(RoleRef.Name)} to {subject.Describe("")}"
        : $"RoleBinding {PolicyRule.GoQuote(Name + "/" + Namespace)} of {RoleRef.Kind} {PolicyRule.GoQuote(RoleRef.Name)} to {subject.Describe(Namespace)}";

    public static RbacBinding FromJson(JsonObject binding) => new(
        binding.Namespace(),
        binding.Name(),
        RbacRoleRef.FromJson(binding["roleRef"]),
        binding["subjects"] is JsonArray subjects ? subjects.OfType<JsonObject>().Select(RbacSubject.FromJson).ToList() : []);
}
