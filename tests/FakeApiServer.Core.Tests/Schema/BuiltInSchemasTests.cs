using FakeApiServer.Schema;
using k8s.Models;

namespace FakeApiServer.Tests.Schema;

public sealed class BuiltInSchemasTests
{
    /// <summary>Every kind served in Apis/*/*Group.cs, plus the Scale and Binding subresource kinds.</summary>
    public static TheoryData<string, string, string, string> ServedKinds => new()
    {
        { "", "v1", "Namespace", "io.k8s.api.core.v1.Namespace" },
        { "", "v1", "Pod", "io.k8s.api.core.v1.Pod" },
        { "", "v1", "Service", "io.k8s.api.core.v1.Service" },
        { "", "v1", "Endpoints", "io.k8s.api.core.v1.Endpoints" },
        { "", "v1", "Node", "io.k8s.api.core.v1.Node" },
        { "", "v1", "ConfigMap", "io.k8s.api.core.v1.ConfigMap" },
        { "", "v1", "Secret", "io.k8s.api.core.v1.Secret" },
        { "", "v1", "ServiceAccount", "io.k8s.api.core.v1.ServiceAccount" },
        { "", "v1", "Event", "io.k8s.api.core.v1.Event" },
        { "", "v1", "Binding", "io.k8s.api.core.v1.Binding" },
        { "apps", "v1", "Deployment", "io.k8s.api.apps.v1.Deployment" },
        { "apps", "v1", "ReplicaSet", "io.k8s.api.apps.v1.ReplicaSet" },
        { "coordination.k8s.io", "v1", "Lease", "io.k8s.api.coordination.v1.Lease" },
        { "discovery.k8s.io", "v1", "EndpointSlice", "io.k8s.api.discovery.v1.EndpointSlice" },
        { "events.k8s.io", "v1", "Event", "io.k8s.api.events.v1.Event" },
        { "autoscaling", "v1", "Scale", "io.k8s.api.autoscaling.v1.Scale" },
    };

    private readonly BuiltInSchemas _schemas = BuiltInSchemas.Instance;

    [Theory]
    [MemberData(nameof(ServedKinds))]
    public void Every_served_kind_has_a_schema_named_as_upstream(string group, string version, string kind, string componentName)
    {
        var schema = _schemas.SchemaFor(group, version, kind);

        Assert.NotNull(schema);
        Assert.Equal(componentName, schema.ComponentName);
        Assert.Equal("object", schema.Type);
        Assert.NotNull(schema.Property("apiVersion"));
        Assert.NotNull(schema.Property("kind"));
        Assert.Equal("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", schema.Property("metadata")?.ComponentName);
        Assert.False(string.IsNullOrEmpty(schema.TypeDescription));
    }

    [Fact]
    public void Unknown_kind_has_no_schema()
    {
        Assert.Null(_schemas.SchemaFor("", "v1", "Widget"));
        Assert.Null(_schemas.SchemaFor("apps", "v2", "Deployment"));
    }

    [Fact]
    public void Events_of_both_groups_map_to_their_own_model_types()
    {
        Assert.Equal(typeof(Corev1Event), BuiltInSchemas.ModelType("", "v1", "Event"));
        Assert.Equal(typeof(Eventsv1Event), BuiltInSchemas.ModelType("events.k8s.io", "v1", "Event"));
        Assert.NotNull(_schemas.SchemaFor("events.k8s.io", "v1", "Event")?.Property("regarding"));
        Assert.NotNull(_schemas.SchemaFor("", "v1", "Event")?.Property("involvedObject"));
    }

    [Fact]
    public void Pod_container_ports_are_a_map_keyed_by_container_port_and_protocol()
    {
        var ports = Pod().Path("spec.containers[].ports");

        Assert.NotNull(ports);
        Assert.Equal("array", ports.Type);
        Assert.Equal(ListTypes.Map, ports.ListType);
        Assert.Equal(["containerPort", "protocol"], ports.ListMapKeys);
        Assert.Equal("containerPort", ports.PatchMergeKey);
        Assert.Equal(PatchStrategies.Merge, ports.PatchStrategy);
        Assert.Equal("io.k8s.api.core.v1.ContainerPort", ports.Items?.ComponentName);
        Assert.Equal("TCP", ports.Items?.Property("protocol")?.Default?.GetString());
        Assert.Contains("containerPort", ports.Items!.Required);
    }

    [Fact]
    public void Scalar_types_and_formats_follow_the_model_property_types()
    {
        var container = Pod().Path("spec.containers[]")!;
        var port = container.Path("ports[]")!;

        Assert.Equal(("string", null), (container.Property("image")?.Type, container.Property("image")?.Format));
        Assert.Equal(("integer", "int32"), (port.Property("containerPort")?.Type, port.Property("containerPort")?.Format));
        Assert.Equal(("integer", "int64"), (Pod().Path("spec.activeDeadlineSeconds")?.Type, Pod().Path("spec.activeDeadlineSeconds")?.Format));
        Assert.Equal("boolean", container.Property("tty")?.Type);
        Assert.Equal(("string", "date-time"), (Pod().Path("metadata.creationTimestamp")?.Type, Pod().Path("metadata.creationTimestamp")?.Format));
        Assert.Equal(("string", "byte"), (Kind("", "Secret").Path("data{}")?.Type, Kind("", "Secret").Path("data{}")?.Format));
        Assert.Equal("string", Kind("", "ConfigMap").Path("data{}")?.Type);
    }

    [Fact]
    public void Service_target_port_and_resource_quantities_are_int_or_string()
    {
        var targetPort = Kind("", "Service").Path("spec.ports[].targetPort");
        var cpuLimit = Pod().Path("spec.containers[].resources.limits{}");

        Assert.True(targetPort?.IntOrString);
        Assert.Null(targetPort?.Type);
        Assert.Equal("io.k8s.apimachinery.pkg.util.intstr.IntOrString", targetPort?.ComponentName);
        Assert.True(cpuLimit?.IntOrString);
        Assert.Equal("io.k8s.apimachinery.pkg.api.resource.Quantity", cpuLimit?.ComponentName);
    }

    [Fact]
    public void Managed_fields_content_is_preserved_as_unknown_fields()
    {
        var fieldsV1 = Pod().Path("metadata.managedFields[].fieldsV1");

        Assert.True(fieldsV1?.PreserveUnknownFields);
        Assert.Equal("object", fieldsV1?.Type);
    }

    [Fact]
    public void Descriptions_come_from_the_package_documentation()
    {
        var container = BuiltInSchemas.SchemaOf(typeof(V1Container))!;

        Assert.False(string.IsNullOrWhiteSpace(container.Property("image")?.Description));
        Assert.StartsWith("Container image name.", container.Property("image")?.Description, StringComparison.Ordinal);
        Assert.Equal("A single application container that you want to run within a pod.", container.TypeDescription);
        Assert.StartsWith("Specification of the desired behavior of the pod.", Pod().Property("spec")?.Description, StringComparison.Ordinal);
        Assert.True(ModelDocs.Count > 1000);
    }

    [Fact]
    public void A_property_of_a_named_type_shares_the_type_but_has_its_own_description()
    {
        var spec = Pod().Property("spec")!;
        var podSpec = BuiltInSchemas.SchemaOf(typeof(V1PodSpec))!;

        Assert.Equal(podSpec.ComponentName, spec.ComponentName);
        Assert.Same(podSpec.Properties, spec.Properties);
        Assert.Equal("PodSpec is a description of a pod.", spec.TypeDescription);
        Assert.NotEqual(spec.TypeDescription, spec.Description);
    }

    [Fact]
    public void Required_fields_come_from_value_types_and_the_table()
    {
        Assert.Contains("containers", Pod().Property("spec")!.Required);
        Assert.Contains("name", Pod().Path("spec.containers[]")!.Required);
        Assert.Equal(["port"], Kind("", "Service").Path("spec.ports[]")!.Required);
        Assert.Equal(["selector", "template"], Kind("apps", "Deployment").Property("spec")!.Required.Order(StringComparer.Ordinal));
        Assert.Empty(Pod().Required);
    }

    [Fact]
    public void Nested_types_are_named_after_their_upstream_api_package()
    {
        Assert.Equal("io.k8s.api.core.v1.PodTemplateSpec", Kind("apps", "Deployment").Path("spec.template")?.ComponentName);
        Assert.Equal("io.k8s.api.apps.v1.DeploymentSpec", Kind("apps", "Deployment").Property("spec")?.ComponentName);
        Assert.Equal("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", Kind("apps", "Deployment").Path("spec.selector")?.ComponentName);
        Assert.Equal("io.k8s.api.discovery.v1.EndpointPort", Kind("discovery.k8s.io", "EndpointSlice").Path("ports[]")?.ComponentName);
        Assert.Equal("io.k8s.api.core.v1.EndpointPort", Kind("", "Endpoints").Path("subsets[].ports[]")?.ComponentName);
        Assert.Equal("io.k8s.api.core.v1.ObjectReference", Kind("events.k8s.io", "Event").Property("regarding")?.ComponentName);
        Assert.Equal("io.k8s.api.coordination.v1.LeaseSpec", Kind("coordination.k8s.io", "Lease").Property("spec")?.ComponentName);
        Assert.Equal("io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference", Pod().Path("metadata.ownerReferences[]")?.ComponentName);
    }

    [Fact]
    public void Atomic_structs_carry_map_type_atomic()
    {
        Assert.Equal(MapTypes.Atomic, Kind("apps", "Deployment").Path("spec.selector")?.MapType);
        Assert.Equal(MapTypes.Atomic, Pod().Path("spec.imagePullSecrets[]")?.MapType);
        Assert.Null(Pod().Property("spec")?.MapType);
    }

    [Fact]
    public void Schemas_are_shared_between_calls()
    {
        Assert.Same(_schemas.SchemaFor("", "v1", "Pod"), _schemas.SchemaFor("", "v1", "Pod"));
        Assert.Same(Pod().Path("spec.containers[]"), Kind("apps", "Deployment").Path("spec.template.spec.containers[]"));
    }

    [Fact]
    public void Every_model_type_reachable_from_the_served_kinds_builds_without_error()
    {
        var visited = new HashSet<StructuralSchema>();
        foreach (var data in ServedKinds)
        {
            Visit(_schemas.SchemaFor((string)data[0], (string)data[1], (string)data[2])!, visited);
        }

        Assert.True(visited.Count > 200, visited.Count + " schemas");
    }

    private static void Visit(StructuralSchema schema, HashSet<StructuralSchema> visited)
    {
        if (!visited.Add(schema))
        {
            return;
        }

        foreach (var property in schema.Properties.Values)
        {
            Visit(property, visited);
        }

        if (schema.Items is { } items)
        {
            Visit(items, visited);
        }

        if (schema.AdditionalProperties is { } values)
        {
            Visit(values, visited);
        }
    }

    private StructuralSchema Pod() => Kind("", "Pod");

    private StructuralSchema Kind(string group, string kind) => _schemas.SchemaFor(group, "v1", kind)!;
}
