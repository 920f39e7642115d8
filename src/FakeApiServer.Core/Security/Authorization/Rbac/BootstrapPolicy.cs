using System.Text.Json.Nodes;

namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>
/// The default roles and bindings kube-apiserver creates at start (plugin/pkg/auth/authorizer/rbac/bootstrappolicy):
/// cluster-admin for system:masters, discovery, basic-user and public-info-viewer for every user, and the aggregated
/// user-facing roles admin ⊇ edit ⊇ view, fed by the system:aggregate-to-* roles with upstream's labels, system:monitoring,
/// system:auth-delegator, system:kube-dns, the components' roles (<see cref="ComponentPolicy"/>) and the controllers'
/// roles (<see cref="ControllerPolicy"/>); the namespaced ones are <see cref="NamespacePolicy"/>'s. Every object
/// carries kubernetes.io/bootstrapping=rbac-defaults and rbac.authorization.kubernetes.io/autoupdate=true; rule lists are
/// sorted, as upstream's rule builder stores them.
/// </summary>
internal static class BootstrapPolicy
{
    public const string AggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin";
    public const string AggregateToEdit = "rbac.authorization.k8s.io/aggregate-to-edit";
    public const string AggregateToView = "rbac.authorization.k8s.io/aggregate-to-view";

    private static readonly string[] Read = ["get", "list", "watch"];
    private static readonly string[] Write = ["create", "delete", "deletecollection", "patch", "update"];
    private static readonly string[] ReadWrite = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

    /// <summary>
    /// The ClusterRoles, in creation order: the aggregate-to-* sources come before the roles that gather them, and view
    /// before edit before admin, so each aggregated role can be filled from those already created.
    /// </summary>
    public static IReadOnlyList<JsonObject> ClusterRoles() =>
    [
        Role("cluster-admin", [], Rule(["*"], ["*"], ["*"]), NonResource(["*"], ["*"])),
        Role("system:discovery", [], NonResource(["get"], ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"])),
        Role("system:basic-user", [],
            Rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
            Rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"])),
        Role("system:public-info-viewer", [], NonResource(["get"], ["/healthz", "/livez", "/readyz", "/version", "/version/"])),
        Role("system:service-account-issuer-discovery", [], NonResource(["get"],
            ["/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/"])),
        Role("system:monitoring", [], NonResource(["get"], ["/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis", "/readyz", "/readyz/*"])),
        Role("system:auth-delegator", [],
            Rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
            Rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"])),
        Role("system:kube-dns", [], Rule(["list", "watch"], [""], ["endpoints", "services"])),
        Role("system:aggregate-to-view", [(AggregateToView, "true")],
            Rule(Read, [""], ["pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status",
                "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"]),
            Rule(Read, [""], ["limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status", "namespaces/status",
                "replicationcontrollers/status", "pods/log"]),
            Rule(Read, [""], ["namespaces"]),
            Rule(Read, ["discovery.k8s.io"], ["endpointslices"]),
            Rule(Read, ["apps"], ["controllerrevisions", "statefulsets", "statefulsets/status", "statefulsets/scale", "daemonsets", "daemonsets/status",
                "deployments", "deployments/status", "deployments/scale", "replicasets", "replicasets/status", "replicasets/scale"]),
            Rule(Read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
            Rule(Read, ["batch"], ["jobs", "cronjobs", "cronjobs/status", "jobs/status"]),
            Rule(Read, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses",
                "ingresses/status", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale", "networkpolicies"]),
            Rule(Read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
            Rule(Read, ["networking.k8s.io"], ["networkpolicies", "ingresses", "ingresses/status"])),
        Role("system:aggregate-to-edit", [(AggregateToEdit, "true")],
            Rule(Read, [""], ["pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"]),
            Rule(["impersonate"], [""], ["serviceaccounts"]),
            Rule(Write, [""], ["pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"]),
            Rule(["create"], [""], ["pods/eviction"]),
            Rule(Write, [""], ["replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/proxy",
                "persistentvolumeclaims", "configmaps", "secrets", "events"]),
            Rule(["create"], [""], ["serviceaccounts/token"]),
            Rule(Write, ["apps"], ["statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale", "deployments/rollback",
                "replicasets", "replicasets/scale"]),
            Rule(Write, ["autoscaling"], ["horizontalpodautoscalers"]),
            Rule(Write, ["batch"], ["jobs", "cronjobs"]),
            Rule(Write, ["extensions"], ["daemonsets", "deployments", "deployments/scale", "deployments/rollback", "ingresses", "replicasets",
                "replicasets/scale", "replicationcontrollers/scale", "networkpolicies"]),
            Rule(Write, ["policy"], ["poddisruptionbudgets"]),
            Rule(Write, ["networking.k8s.io"], ["networkpolicies", "ingresses"]),
            Rule(ReadWrite, ["coordination.k8s.io"], ["leases"])),
        Role("system:aggregate-to-admin", [(AggregateToAdmin, "true")],
            Rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
            Rule(ReadWrite, ["rbac.authorization.k8s.io"], ["roles", "rolebindings"])),
        Aggregated("view", AggregateToView, [(AggregateToEdit, "true")]),
        Aggregated("edit", AggregateToEdit, [(AggregateToAdmin, "true")]),
        Aggregated("admin", AggregateToAdmin, []),
        .. ComponentPolicy.Roles().Select(c => Role(c.Name, [], c.Rules.Select(r => r.ToJson()).ToArray())),
        .. ControllerPolicy.Roles().Select(c => Role(ControllerPolicy.Prefix + c.Controller, [], c.Rules.Select(r => r.ToJson()).ToArray())),
    ];

    /// <summary>The ClusterRoleBindings: each binds the ClusterRole of its name.</summary>
    public static IReadOnlyList<JsonObject> ClusterRoleBindings() =>
    [
        Binding("cluster-admin", UserInfo.MastersGroup),
        Binding("system:discovery", UserInfo.AuthenticatedGroup),
        Binding("system:basic-user", UserInfo.AuthenticatedGroup),
        Binding("system:public-info-viewer", UserInfo.AuthenticatedGroup, UserInfo.UnauthenticatedGroup),
        Binding("system:service-account-issuer-discovery", ServiceAccounts.ServiceAccountTokenAuthenticator.AllServiceAccountsGroup),
        Binding("system:monitoring", "system:monitoring"),
        ServiceAccountBinding("system:kube-dns", "kube-dns"),
        .. ComponentPolicy.Bindings().Select(b => Binding(b.Name, RbacRoleRef.ClusterRole, b.Name, b.Subjects.Select(s => Subject(s.Kind, s.Name, s.Namespace)).ToArray())),
        .. ControllerPolicy.Roles().Select(c => ServiceAccountBinding(ControllerPolicy.Prefix + c.Controller, c.Controller)),
    ];

    /// <summary>A binding of the role of its name to a service account in kube-system.</summary>
    private static JsonObject ServiceAccountBinding(string name, string serviceAccount) => new()
    {
        ["metadata"] = Metadata(name, []),
        ["roleRef"] = new JsonObject { ["apiGroup"] = RbacPolicy.Group, ["kind"] = RbacRoleRef.ClusterRole, ["name"] = name },
        ["subjects"] = new JsonArray(new JsonObject { ["kind"] = RbacSubject.ServiceAccount, ["name"] = serviceAccount, ["namespace"] = "kube-system" }),
    };

    /// <summary>A binding of <paramref name="role"/> (of <paramref name="roleKind"/>) to the subjects; none gives upstream's <c>subjects: null</c>.</summary>
    internal static JsonObject Binding(string name, string roleKind, string role, JsonObject[] subjects)
    {
        var binding = new JsonObject
        {
            ["metadata"] = Metadata(name, []),
            ["roleRef"] = new JsonObject { ["apiGroup"] = RbacPolicy.Group, ["kind"] = roleKind, ["name"] = role },
        };
        if (subjects.Length > 0)
        {
            binding["subjects"] = new JsonArray(subjects.Select(s => (JsonNode?)s).ToArray());
        }

        return binding;
    }

    /// <summary>A subject as upstream's binding builder writes it: users and groups with the RBAC apiGroup, accounts with their namespace.</summary>
    internal static JsonObject Subject(string kind, string name, string? ns) => kind == RbacSubject.ServiceAccount
        ? new JsonObject { ["kind"] = kind, ["name"] = name, ["namespace"] = ns }
        : new JsonObject { ["apiGroup"] = RbacPolicy.Group, ["kind"] = kind, ["name"] = name };

    internal static JsonObject Role(string name, (string Key, string Value)[] labels, params JsonObject[] rules) => new()
    {
        ["metadata"] = Metadata(name, labels),
        ["rules"] = new JsonArray(rules),
    };

    private static JsonObject Aggregated(string name, string selectorLabel, (string Key, string Value)[] labels) => new()
    {
        ["metadata"] = Metadata(name, labels),
        ["aggregationRule"] = new JsonObject
        {
            ["clusterRoleSelectors"] = new JsonArray(new JsonObject { ["matchLabels"] = new JsonObject { [selectorLabel] = "true" } }),
        },
        ["rules"] = new JsonArray(),
    };

    private static JsonObject Binding(string name, params string[] groups) => new()
    {
        ["metadata"] = Metadata(name, []),
        ["roleRef"] = new JsonObject { ["apiGroup"] = RbacPolicy.Group, ["kind"] = RbacRoleRef.ClusterRole, ["name"] = name },
        ["subjects"] = new JsonArray(groups.Select(g => (JsonNode?)new JsonObject
        {
            ["apiGroup"] = RbacPolicy.Group, ["kind"] = RbacSubject.Group, ["name"] = g,
        }).ToArray()),
    };

    private static JsonObject Metadata(string name, (string Key, string Value)[] labels)
    {
        var labelObject = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        foreach (var (key, value) in labels)
        {
            labelObject[key] = value;
        }

        return new JsonObject
        {
            ["name"] = name,
            ["labels"] = labelObject,
            ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
        };
    }

    private static JsonObject Rule(string[] verbs, string[] groups, string[] resources) => ControllerPolicy.R(verbs, groups, resources).ToJson();

    private static JsonObject NonResource(string[] verbs, string[] urls) => new PolicyRule { Verbs = verbs, NonResourceUrls = urls }.ToJson();
}
