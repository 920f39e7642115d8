using FakeApiServer.Schema;
using k8s.Models;

namespace FakeApiServer.Tests.Apis.Networking;

/// <summary>The structural schemas of the multi-network kinds and fields, which pruning, patches, apply and OpenAPI read.</summary>
public sealed class NetworkingSchemaTests
{
    [Theory]
    [InlineData("PodNetwork")]
    [InlineData("PodNetworkAttachment")]
    public void Kinds_have_schemas_named_as_upstream_with_descriptions(string kind)
    {
        var schema = BuiltInSchemas.Instance.SchemaFor("networking.k8s.io", "v1alpha1", kind);

        Assert.NotNull(schema);
        Assert.Equal("io.k8s.api.networking.v1alpha1." + kind, schema.ComponentName);
        Assert.Equal("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", schema.Property("metadata")?.ComponentName);
        Assert.False(string.IsNullOrEmpty(schema.TypeDescription));
        Assert.Equal(ListTypes.Map, schema.Path("status.conditions")?.ListType);
        Assert.Equal(["type"], schema.Path("status.conditions")?.ListMapKeys);
        Assert.Equal("io.k8s.apimachinery.pkg.apis.meta.v1.Condition", schema.Path("status.conditions[]")?.ComponentName);
    }

    [Fact]
    public void Parameters_refs_describe_their_fields_and_require_group_kind_and_name()
    {
        var refs = BuiltInSchemas.Instance.SchemaFor("networking.k8s.io", "v1alpha1", "PodNetwork")!.Path("spec.parametersRefs")!;

        Assert.Equal("array", refs.Type);
        Assert.Null(refs.ListType);
        Assert.StartsWith("ParametersRefs points to the vendor or implementation specific params", refs.Description, StringComparison.Ordinal);
        Assert.Equal(["group", "kind", "name"], refs.Items!.Required);
        Assert.Equal("Group is the API group of k8s resource, e.g. k8s.cni.cncf.io.", refs.Items.Property("group")?.Description);
        Assert.Equal("boolean", BuiltInSchemas.Instance.SchemaFor("networking.k8s.io", "v1alpha1", "PodNetwork")!.Path("spec.enabled")?.Type);
        Assert.Equal(["podNetworkName"], BuiltInSchemas.Instance.SchemaFor("networking.k8s.io", "v1alpha1", "PodNetworkAttachment")!.Path("spec")?.Required);
    }

    [Fact]
    public void Pod_spec_knows_networks_and_pod_ips_know_their_labels()
    {
        var pod = BuiltInSchemas.Instance.SchemaFor("", "v1", "Pod")!;

        var networks = pod.Path("spec.networks");
        Assert.NotNull(networks);
        Assert.Null(networks.ListType);
        Assert.Null(networks.PatchStrategy);
        Assert.Equal("io.k8s.api.core.v1.Network", networks.Items?.ComponentName);
        Assert.Equal(["podNetworkName", "podNetworkAttachmentName", "interfaceName", "isDefaultGW4", "isDefaultGW6"], networks.Items!.Properties.Keys);
        Assert.Equal("boolean", networks.Items.Property("isDefaultGW4")?.Type);
        Assert.StartsWith("Networks is a list of PodNetworks", networks.Description, StringComparison.Ordinal);
        Assert.NotNull(pod.Path("spec.containers"));
        Assert.Equal(["ip", "podNetwork", "interfaceName"], pod.Path("status.podIPs[]")!.Properties.Keys);
        Assert.NotNull(BuiltInSchemas.SchemaOf(typeof(V1PodTemplateSpec))!.Path("spec.networks"));
    }
}
