using System.Reflection;
using System.Text.Json.Serialization;
using FakeApiServer.Schema;

namespace FakeApiServer.Tests.Schema;

public sealed class ListSemanticsTests
{
    /// <summary>group, kind, field path, patch strategy, patch merge key, list type, list map keys (comma-separated).</summary>
    public static TheoryData<string, string, string, string?, string?, string?, string?> UpstreamFields => new()
    {
        { "", "Pod", "spec.containers", "merge", "name", "map", "name" },
        { "", "Pod", "spec.initContainers", "merge", "name", "map", "name" },
        { "", "Pod", "spec.ephemeralContainers", "merge", "name", "map", "name" },
        { "", "Pod", "spec.containers[].ports", "merge", "containerPort", "map", "containerPort,protocol" },
        { "", "Pod", "spec.ephemeralContainers[].ports", "merge", "containerPort", "map", "containerPort,protocol" },
        { "", "Pod", "spec.containers[].env", "merge", "name", "map", "name" },
        { "", "Pod", "spec.containers[].envFrom", null, null, "atomic", null },
        { "", "Pod", "spec.containers[].volumeMounts", "merge", "mountPath", "map", "mountPath" },
        { "", "Pod", "spec.containers[].volumeDevices", "merge", "devicePath", "map", "devicePath" },
        { "", "Pod", "spec.containers[].command", null, null, "atomic", null },
        { "", "Pod", "spec.containers[].args", null, null, "atomic", null },
        { "", "Pod", "spec.containers[].resources.claims", null, null, "map", "name" },
        { "", "Pod", "spec.volumes", "merge,retainKeys", "name", "map", "name" },
        { "", "Pod", "spec.imagePullSecrets", "merge", "name", "map", "name" },
        { "", "Pod", "spec.tolerations", null, null, "atomic", null },
        { "", "Pod", "spec.hostAliases", "merge", "ip", "map", "ip" },
        { "", "Pod", "spec.readinessGates", null, null, "atomic", null },
        { "", "Pod", "spec.schedulingGates", "merge", "name", "map", "name" },
        { "", "Pod", "spec.resourceClaims", "merge,retainKeys", "name", "map", "name" },
        { "", "Pod", "spec.topologySpreadConstraints", "merge", "topologyKey", "map", "topologyKey,whenUnsatisfiable" },
        { "", "Pod", "status.conditions", "merge", "type", "map", "type" },
        { "", "Pod", "status.podIPs", "merge", "ip", "map", "ip" },
        { "", "Pod", "status.hostIPs", "merge", "ip", "atomic", null },
        { "", "Pod", "status.containerStatuses", null, null, "atomic", null },
        { "", "Pod", "status.initContainerStatuses", null, null, "atomic", null },
        { "", "Pod", "status.containerStatuses[].volumeMounts", "merge", "mountPath", "map", "mountPath" },
        { "", "Pod", "metadata.ownerReferences", "merge", "uid", "map", "uid" },
        { "", "Pod", "metadata.finalizers", "merge", null, "set", null },
        { "", "Pod", "metadata.managedFields", null, null, "atomic", null },
        { "", "Node", "status.conditions", "merge", "type", "map", "type" },
        { "", "Node", "status.addresses", "merge", "type", "map", "type" },
        { "", "Node", "spec.taints", null, null, "atomic", null },
        { "", "Node", "spec.podCIDRs", "merge", null, "set", null },
        { "", "Namespace", "status.conditions", "merge", "type", "map", "type" },
        { "", "Namespace", "spec.finalizers", null, null, "atomic", null },
        { "", "Service", "spec.ports", "merge", "port", "map", "port,protocol" },
        { "", "Service", "spec.clusterIPs", null, null, "atomic", null },
        { "", "Service", "spec.ipFamilies", null, null, "atomic", null },
        { "", "Service", "status.conditions", "merge", "type", "map", "type" },
        { "", "Endpoints", "subsets", null, null, "atomic", null },
        { "", "Endpoints", "subsets[].addresses", null, null, "atomic", null },
        { "", "ServiceAccount", "secrets", "merge", "name", "map", "name" },
        { "apps", "Deployment", "status.conditions", "merge", "type", "map", "type" },
        { "apps", "Deployment", "spec.template.spec.containers", "merge", "name", "map", "name" },
        { "apps", "ReplicaSet", "status.conditions", "merge", "type", "map", "type" },
        { "discovery.k8s.io", "EndpointSlice", "endpoints", null, null, "atomic", null },
        { "discovery.k8s.io", "EndpointSlice", "ports", null, null, "atomic", null },
        { "discovery.k8s.io", "EndpointSlice", "endpoints[].addresses", null, null, "set", null },
    };

    [Theory]
    [MemberData(nameof(UpstreamFields))]
    public void List_semantics_match_upstream_struct_tags(
        string group, string kind, string path, string? strategy, string? mergeKey, string? listType, string? mapKeys)
    {
        var field = BuiltInSchemas.Instance.SchemaFor(group, "v1", kind)?.Path(path);

        Assert.NotNull(field);
        Assert.Equal("array", field.Type);
        Assert.Equal(strategy, field.PatchStrategy);
        Assert.Equal(mergeKey, field.PatchMergeKey);
        Assert.Equal(listType, field.ListType);
        Assert.Equal(mapKeys?.Split(',') ?? [], field.ListMapKeys);
    }

    [Fact]
    public void Deployment_strategy_retains_keys()
    {
        var strategy = BuiltInSchemas.Instance.SchemaFor("apps", "v1", "Deployment")?.Path("spec.strategy");

        Assert.Equal(PatchStrategies.RetainKeys, strategy?.PatchStrategy);
        Assert.True(strategy?.PatchRetainsKeys);
        Assert.False(strategy?.PatchMerges);
    }

    [Fact]
    public void Selector_maps_are_atomic_and_labels_are_granular()
    {
        var pod = BuiltInSchemas.Instance.SchemaFor("", "v1", "Pod")!;

        Assert.Equal(MapTypes.Atomic, pod.Path("spec.nodeSelector")?.MapType);
        Assert.Equal(MapTypes.Atomic, BuiltInSchemas.Instance.SchemaFor("", "v1", "Service")?.Path("spec.selector")?.MapType);
        Assert.Null(pod.Path("metadata.labels")?.MapType);
        Assert.Equal("string", pod.Path("metadata.labels{}")?.Type);
    }

    [Fact]
    public void Every_table_entry_names_a_list_or_map_field_of_its_model()
    {
        foreach (var (model, field, semantics) in ListSemantics.All)
        {
            var property = model.GetProperties().SingleOrDefault(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name == field);
            Assert.True(property is not null, $"{model.Name} has no field {field}");
            var schema = BuiltInSchemas.SchemaOf(model)!.Property(field)!;
            if (semantics.ListType is not null)
            {
                Assert.True(schema.Type == "array", $"{model.Name}.{field} is not a list");
            }

            foreach (var key in semantics.ListMapKeys ?? [])
            {
                Assert.True(schema.Items?.Property(key) is not null, $"{model.Name}.{field} elements have no key field {key}");
            }

            if (semantics.PatchMergeKey is { } mergeKey)
            {
                Assert.True(schema.Items?.Property(mergeKey) is not null, $"{model.Name}.{field} elements have no merge key {mergeKey}");
            }
        }
    }

    [Fact]
    public void Every_required_field_entry_names_a_field_of_its_model()
    {
        foreach (var (model, fields) in RequiredFields.All)
        {
            foreach (var field in fields)
            {
                Assert.True(BuiltInSchemas.SchemaOf(model)?.Property(field) is not null, $"{model.Name} has no field {field}");
            }
        }
    }

    [Fact]
    public void Every_list_with_a_merge_key_is_a_list_map_except_host_ips()
    {
        // A merge key without listType map would make strategic merge patch and apply disagree; upstream only does that for hostIPs.
        foreach (var (model, field, semantics) in ListSemantics.All.Where(e => e.Semantics.PatchMergeKey is not null))
        {
            Assert.True(
                semantics.ListType == ListTypes.Map || (model.Name == "V1PodStatus" && field == "hostIPs"),
                $"{model.Name}.{field} has merge key {semantics.PatchMergeKey} but list type {semantics.ListType}");
        }
    }
}
