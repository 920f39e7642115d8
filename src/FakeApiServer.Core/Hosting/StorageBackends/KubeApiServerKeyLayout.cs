using System.Collections.Frozen;
using FakeApiServer.Storage.Etcd;

namespace FakeApiServer.Hosting.StorageBackends;

/// <summary>
/// kube-apiserver's etcd key layout, so that a kube-apiserver pointed at the same prefix finds the objects where it
/// expects them (docs/operations.md has the table). The store's keys are "/{group or core}/{resource}/[{namespace}/]{name}";
/// in etcd, under the prefix:
/// <list type="bullet">
/// <item>kube-apiserver's own resources are at "{resource}/[{namespace}/]{name}", with the compiled-in exceptions of
/// pkg/kubeapiserver's SpecialDefaultResourcePrefixes (nodes at "minions", services at "services/specs", endpoints at
/// "services/endpoints", replicationcontrollers at "controllers", ingresses at "ingress");</item>
/// <item>everything else (CustomResourceDefinitions and APIServices, which the apiextensions and aggregator servers store,
/// and every custom resource) at "{group}/{resource}/[{namespace}/]{name}", as their REST options lay them out.</item>
/// </list>
/// events.k8s.io Events are a separate resource here (kube-apiserver stores both Event APIs at "events" and converts);
/// they are kept at "events.k8s.io/events/..." so the two never collide.
/// </summary>
internal sealed class KubeApiServerKeyLayout : IEtcdKeyLayout
{
    /// <summary>kube-apiserver's own (group, resource) pairs served here, by resource.</summary>
    private static readonly FrozenDictionary<string, string> BuiltInGroupOf = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["bindings"] = "", ["componentstatuses"] = "", ["configmaps"] = "", ["endpoints"] = "", ["events"] = "", ["limitranges"] = "",
        ["namespaces"] = "", ["nodes"] = "", ["persistentvolumeclaims"] = "", ["persistentvolumes"] = "", ["pods"] = "", ["podtemplates"] = "",
        ["replicationcontrollers"] = "", ["resourcequotas"] = "", ["secrets"] = "", ["serviceaccounts"] = "", ["services"] = "",
        ["mutatingwebhookconfigurations"] = "admissionregistration.k8s.io", ["validatingwebhookconfigurations"] = "admissionregistration.k8s.io",
        ["validatingadmissionpolicies"] = "admissionregistration.k8s.io", ["validatingadmissionpolicybindings"] = "admissionregistration.k8s.io",
        ["controllerrevisions"] = "apps", ["daemonsets"] = "apps", ["deployments"] = "apps", ["replicasets"] = "apps", ["statefulsets"] = "apps",
        ["horizontalpodautoscalers"] = "autoscaling",
        ["cronjobs"] = "batch", ["jobs"] = "batch",
        ["certificatesigningrequests"] = "certificates.k8s.io",
        ["leases"] = "coordination.k8s.io",
        ["endpointslices"] = "discovery.k8s.io",
        ["flowschemas"] = "flowcontrol.apiserver.k8s.io", ["prioritylevelconfigurations"] = "flowcontrol.apiserver.k8s.io",
        ["ingressclasses"] = "networking.k8s.io", ["ingresses"] = "networking.k8s.io", ["ipaddresses"] = "networking.k8s.io",
        ["networkpolicies"] = "networking.k8s.io", ["servicecidrs"] = "networking.k8s.io",
        ["podnetworks"] = "networking.k8s.io", ["podnetworkattachments"] = "networking.k8s.io",
        ["runtimeclasses"] = "node.k8s.io",
        ["poddisruptionbudgets"] = "policy",
        ["clusterrolebindings"] = "rbac.authorization.k8s.io", ["clusterroles"] = "rbac.authorization.k8s.io",
        ["rolebindings"] = "rbac.authorization.k8s.io", ["roles"] = "rbac.authorization.k8s.io",
        ["priorityclasses"] = "scheduling.k8s.io",
        ["csidrivers"] = "storage.k8s.io", ["csinodes"] = "storage.k8s.io", ["csistoragecapacities"] = "storage.k8s.io",
        ["storageclasses"] = "storage.k8s.io", ["volumeattachments"] = "storage.k8s.io",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>pkg/kubeapiserver's SpecialDefaultResourcePrefixes: (group, resource) → prefix.</summary>
    private static readonly (string Group, string Resource, string Prefix)[] SpecialPrefixes =
    [
        ("", "replicationcontrollers", "controllers"),
        ("", "endpoints", "services/endpoints"),
        ("", "nodes", "minions"),
        ("", "services", "services/specs"),
        ("networking.k8s.io", "ingresses", "ingress"),
    ];

    /// <summary>The etcd key (relative to the prefix) of the store key's resource prefix, e.g. "/core/nodes/" → "minions/".</summary>
    public string ToEtcdKey(string key)
    {
        var (group, resource, rest) = Split(key);
        return ResourcePrefix(group, resource) + "/" + rest;
    }

    public string? FromEtcdKey(string etcdKey)
    {
        foreach (var (group, resource, prefix) in SpecialPrefixes)
        {
            if (etcdKey.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                return StoreKey(group, resource, etcdKey[(prefix.Length + 1)..]);
            }
        }

        var slash = etcdKey.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return null;
        }

        var first = etcdKey[..slash];
        if (first.Contains('.', StringComparison.Ordinal))
        {
            // {group}/{resource}/...: a custom resource, a CRD, an APIService.
            var second = etcdKey.IndexOf('/', slash + 1);
            return second < 0 ? null : StoreKey(first, etcdKey[(slash + 1)..second], etcdKey[(second + 1)..]);
        }

        // kube-apiserver's own bookkeeping (ranges/serviceips, masterleases, ...) is not an object of this server.
        return BuiltInGroupOf.TryGetValue(first, out var builtIn) && ResourcePrefix(builtIn, first) == first
            ? StoreKey(builtIn, first, etcdKey[(slash + 1)..])
            : null;
    }

    /// <summary>Where objects of a resource live in etcd, relative to the prefix.</summary>
    public static string ResourcePrefix(string group, string resource)
    {
        foreach (var special in SpecialPrefixes)
        {
            if (special.Group == group && special.Resource == resource)
            {
                return special.Prefix;
            }
        }

        return BuiltInGroupOf.TryGetValue(resource, out var builtIn) && builtIn == group ? resource : group + "/" + resource;
    }

    private static string StoreKey(string group, string resource, string rest) => Registry.ResourceDefinition.KeyPrefixOf(group, resource) + rest;

    private static (string Group, string Resource, string Remainder) Split(string key)
    {
        var parts = key.Split('/', 4);
        if (parts.Length < 4 || parts[0].Length != 0)
        {
            throw new ArgumentException($"not a resource key: {key}", nameof(key));
        }

        return (parts[1] == "core" ? "" : parts[1], parts[2], parts[3]);
    }
}
