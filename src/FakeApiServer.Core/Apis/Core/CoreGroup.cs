using System.Text.Json.Nodes;
using FakeApiServer.Api.Subresources;
using FakeApiServer.Apis.Core.ComponentStatuses;
using FakeApiServer.Apis.Core.ConfigMaps;
using FakeApiServer.Apis.Core.Endpoints;
using FakeApiServer.Apis.Core.Events;
using FakeApiServer.Apis.Core.LimitRanges;
using FakeApiServer.Apis.Core.Namespaces;
using FakeApiServer.Apis.Core.Nodes;
using FakeApiServer.Apis.Core.PersistentVolumeClaims;
using FakeApiServer.Apis.Core.PersistentVolumes;
using FakeApiServer.Apis.Core.PodTemplates;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Apis.Core.ReplicationControllers;
using FakeApiServer.Apis.Core.ResourceQuotas;
using FakeApiServer.Apis.Core.Secrets;
using FakeApiServer.Apis.Core.ServiceAccounts;
using FakeApiServer.Apis.Core.Services;
using FakeApiServer.Features;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;
using FakeApiServer.Security.ServiceAccounts;

namespace FakeApiServer.Apis.Core;

/// <summary>The core ("legacy") group, served under /api/v1: one registration per resource.</summary>
internal static class CoreGroup
{
    /// <param name="serviceIps">The service cluster IP allocator.</param>
    /// <param name="gates">The feature gates.</param>
    /// <param name="kubeletNodes">The nodes whose simulated kubelet runs here (their pods are deleted gracefully); none by default.</param>
    /// <param name="time">The clock (persistent volumes' phase transition times).</param>
    /// <param name="issuer">The service account token issuer (serviceaccounts/token).</param>
    public static IEnumerable<ResourceDefinition> Resources(
        ServiceIpAllocator serviceIps, FeatureGates gates, ServiceAccountIssuer issuer, IReadOnlySet<string>? kubeletNodes = null, TimeProvider? time = null)
    {
        var namespaces = new NamespaceStrategy();
        yield return new ResourceDefinition("", "v1", "Namespace", "namespaces", Namespaced: false)
        {
            ShortNames = ["ns"],
            Verbs = ["create", "delete", "get", "list", "patch", "update", "watch"],
            Strategy = namespaces,
            Subresources = new Dictionary<string, SubresourceHandler>
            {
                ["finalize"] = Subresource.Finalize(new NamespaceFinalizeStrategy(namespaces)),
                ["status"] = Subresource.Status(new StatusStrategy(namespaces)),
            },
            Table = new NamespaceTable(),
            NameValidator = NameValidation.IsDns1123Label,
            FieldSelectors = Fields(("status.phase", o => o.FieldString("status.phase"))),
        };

        var pods = new PodStrategy(gates) { KubeletNodes = kubeletNodes ?? new HashSet<string>() };
        yield return new ResourceDefinition("", "v1", "Pod", "pods", Namespaced: true)
        {
            ShortNames = ["po"],
            Categories = ["all"],
            Strategy = pods,
            Defaulter = PodDefaults.Pod,
            Subresources = new Dictionary<string, SubresourceHandler>
            {
                ["attach"] = Subresource.SimulatedContainerStream("PodAttachOptions", "create", "get"),
                ["binding"] = Subresource.Binding(),
                ["ephemeralcontainers"] = Subresource.OfObject(new PodEphemeralContainersStrategy(pods), "get", "patch", "update"),
                ["eviction"] = Subresource.Eviction(),
                ["exec"] = Subresource.SimulatedContainerStream("PodExecOptions", "create", "get"),
                ["log"] = Subresource.SimulatedContainerStream("Pod", "get"),
                ["portforward"] = Subresource.SimulatedContainerStream("PodPortForwardOptions", "create", "get"),
                ["resize"] = Subresource.OfObject(new PodResizeStrategy(pods), "get", "patch", "update"),
                ["status"] = Subresource.Status(new PodStatusStrategy(pods)),
            },
            Table = new PodTable(gates),
            ReturnDeletedObject = true,
            FieldSelectors = Fields(
                ("spec.nodeName", o => o.FieldString("spec.nodeName") ?? ""),
                ("spec.restartPolicy", o => o.FieldString("spec.restartPolicy") ?? ""),
                ("spec.schedulerName", o => o.FieldString("spec.schedulerName") ?? ""),
                ("spec.serviceAccountName", o => o.FieldString("spec.serviceAccountName") ?? ""),
                ("spec.hostNetwork", o => o.FieldString("spec.hostNetwork") ?? "false"),
                ("status.phase", o => o.FieldString("status.phase") ?? ""),
                ("status.podIP", o => o.FieldString("status.podIP") ?? ""),
                ("status.podIPs", o => (o["status"]?["podIPs"] as JsonArray)?.FirstOrDefault()?["ip"]?.GetValue<string>() ?? ""),
                ("status.nominatedNodeName", o => o.FieldString("status.nominatedNodeName") ?? "")),
        };

        var services = new ServiceStrategy();
        yield return new ResourceDefinition("", "v1", "Service", "services", Namespaced: true)
        {
            ShortNames = ["svc"],
            Categories = ["all"],
            Strategy = services,
            Defaulter = ServiceDefaults.Instance,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(services)) },
            Table = new ServiceTable(),
            ReturnDeletedObject = true,
            Allocator = serviceIps,
            NameValidator = NameValidation.IsDns1035Label,
        };

        yield return new ResourceDefinition("", "v1", "Endpoints", "endpoints", Namespaced: true)
        {
            Singular = "endpoints",
            ShortNames = ["ep"],
            Strategy = new ResourceStrategy(hasStatus: false),
            Table = new EndpointsTable(),
        };

        var nodes = new NodeStrategy();
        yield return new ResourceDefinition("", "v1", "Node", "nodes", Namespaced: false)
        {
            ShortNames = ["no"],
            Strategy = nodes,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(nodes)) },
            Table = new NodeTable(),
            FieldSelectors = Fields(("spec.unschedulable", o => o.FieldString("spec.unschedulable") ?? "false")),
        };

        yield return new ResourceDefinition("", "v1", "ConfigMap", "configmaps", Namespaced: true)
        {
            ShortNames = ["cm"],
            Strategy = new ConfigMapStrategy(),
            Table = new ConfigMapTable(),
        };

        yield return new ResourceDefinition("", "v1", "Secret", "secrets", Namespaced: true)
        {
            Strategy = new SecretStrategy(),
            Defaulter = SecretStrategy.Defaults,
            Table = new SecretTable(),
            FieldSelectors = Fields(("type", o => o.GetString("type") ?? "")),
        };

        yield return new ResourceDefinition("", "v1", "ServiceAccount", "serviceaccounts", Namespaced: true)
        {
            ShortNames = ["sa"],
            Strategy = new ResourceStrategy(hasStatus: false),
            Subresources = new Dictionary<string, SubresourceHandler> { ["token"] = ServiceAccountTokenRequest.Subresource(issuer) },
        };

        yield return new ResourceDefinition("", "v1", "Event", "events", Namespaced: true)
        {
            ShortNames = ["ev"],
            Strategy = new ResourceStrategy(hasStatus: false),
            Table = new EventTable(),
            FieldSelectors = Fields(
                ("involvedObject.kind", o => o.FieldString("involvedObject.kind") ?? ""),
                ("involvedObject.namespace", o => o.FieldString("involvedObject.namespace") ?? ""),
                ("involvedObject.name", o => o.FieldString("involvedObject.name") ?? ""),
                ("involvedObject.uid", o => o.FieldString("involvedObject.uid") ?? ""),
                ("involvedObject.apiVersion", o => o.FieldString("involvedObject.apiVersion") ?? ""),
                ("involvedObject.resourceVersion", o => o.FieldString("involvedObject.resourceVersion") ?? ""),
                ("involvedObject.fieldPath", o => o.FieldString("involvedObject.fieldPath") ?? ""),
                ("reason", o => o.GetString("reason") ?? ""),
                ("reportingComponent", o => o.GetString("reportingComponent") ?? ""),
                ("source", o => o.FieldString("source.component") is { Length: > 0 } c ? c : o.GetString("reportingComponent") ?? ""),
                ("type", o => o.GetString("type") ?? "")),
        };

        yield return new ResourceDefinition("", "v1", "Binding", "bindings", Namespaced: true)
        {
            Singular = "binding",
            Verbs = ["create"],
            Strategy = new ResourceStrategy(hasStatus: false),
            BindsPods = true,
        };

        yield return new ResourceDefinition("", "v1", "ComponentStatus", "componentstatuses", Namespaced: false)
        {
            ShortNames = ["cs"],
            Verbs = ["get", "list"],
            Strategy = new ResourceStrategy(hasStatus: false),
            Table = ComponentStatusTable.Instance,
        };

        yield return new ResourceDefinition("", "v1", "LimitRange", "limitranges", Namespaced: true)
        {
            ShortNames = ["limits"],
            Strategy = new ResourceStrategy(hasStatus: false),
            Defaulter = LimitRangeDefaults.Instance,
            Table = LimitRangeTable.Instance,
        };

        var claims = new PersistentVolumeClaimStrategy();
        yield return new ResourceDefinition("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", Namespaced: true)
        {
            ShortNames = ["pvc"],
            Strategy = claims,
            Defaulter = PersistentVolumeClaimDefaults.Instance,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(claims)) },
            Table = PersistentVolumeClaimTable.Instance,
            ReturnDeletedObject = true,
        };

        var volumes = new PersistentVolumeStrategy(time ?? TimeProvider.System);
        yield return new ResourceDefinition("", "v1", "PersistentVolume", "persistentvolumes", Namespaced: false)
        {
            ShortNames = ["pv"],
            Strategy = volumes,
            Defaulter = PersistentVolumeDefaults.Instance,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(volumes)) },
            Table = PersistentVolumeTable.Instance,
            ReturnDeletedObject = true,
        };

        yield return new ResourceDefinition("", "v1", "PodTemplate", "podtemplates", Namespaced: true)
        {
            Strategy = new ResourceStrategy(hasStatus: false),
            Defaulter = new ResourceDefaulter(o => PodDefaults.ApplyTemplate(o["template"])),
            Table = PodTemplateTable.Instance,
        };

        var replicationControllers = new ReplicationControllerStrategy();
        yield return new ResourceDefinition("", "v1", "ReplicationController", "replicationcontrollers", Namespaced: true)
        {
            ShortNames = ["rc"],
            Categories = ["all"],
            Strategy = replicationControllers,
            Defaulter = ReplicationControllerDefaults.Instance,
            Subresources = new Dictionary<string, SubresourceHandler>
            {
                ["scale"] = Subresource.Scale(new ScaleSubresource(".spec.replicas", ".status.replicas", null, SpecSelectorIsMap: true)),
                ["status"] = Subresource.Status(new StatusStrategy(replicationControllers)),
            },
            Table = ReplicationControllerTable.Instance,
            FieldSelectors = Fields(("status.replicas", o => o.FieldString("status.replicas") ?? "0")),
        };

        var quotas = new ResourceQuotaStrategy();
        yield return new ResourceDefinition("", "v1", "ResourceQuota", "resourcequotas", Namespaced: true)
        {
            ShortNames = ["quota"],
            Strategy = quotas,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(quotas)) },
            Table = ResourceQuotaTable.Instance,
        };
    }

    /// <summary>Builds a field selector table.</summary>
    internal static IReadOnlyDictionary<string, Func<JsonObject, string?>> Fields(params (string Label, Func<JsonObject, string?> Read)[] fields) =>
        fields.ToDictionary(f => f.Label, f => f.Read, StringComparer.Ordinal);
}
