using FakeApiServer.Api.Protobuf;

namespace FakeApiServer.Tests.Api.Protobuf;

/// <summary>apiVersion/kind → message, from the Go package of each message and apimachinery's registrations.</summary>
public sealed class ProtobufKindsTests
{
    private static readonly ProtobufCodec Codec = ProtobufCodec.Create();

    [Theory]
    [InlineData("v1", "ConfigMap", "k8s.io.api.core.v1.ConfigMap")]
    [InlineData("v1", "List", "k8s.io.api.core.v1.List")]
    [InlineData("apps/v1", "Deployment", "k8s.io.api.apps.v1.Deployment")]
    [InlineData("autoscaling/v1", "Scale", "k8s.io.api.autoscaling.v1.Scale")]
    [InlineData("apps/v1beta1", "Scale", "k8s.io.api.apps.v1beta1.Scale")]
    [InlineData("policy/v1", "Eviction", "k8s.io.api.policy.v1.Eviction")]
    [InlineData("rbac.authorization.k8s.io/v1", "ClusterRole", "k8s.io.api.rbac.v1.ClusterRole")]
    [InlineData("authorization.k8s.io/v1", "LocalSubjectAccessReview", "k8s.io.api.authorization.v1.LocalSubjectAccessReview")]
    [InlineData("authentication.k8s.io/v1", "SelfSubjectReview", "k8s.io.api.authentication.v1.SelfSubjectReview")]
    [InlineData("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "k8s.io.api.admissionregistration.v1.ValidatingWebhookConfiguration")]
    [InlineData("flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "k8s.io.api.flowcontrol.v1.FlowSchema")]
    [InlineData("internal.apiserver.k8s.io/v1alpha1", "StorageVersion", "k8s.io.api.apiserverinternal.v1alpha1.StorageVersion")]
    [InlineData("storagemigration.k8s.io/v1alpha1", "StorageVersionMigration", "k8s.io.api.storagemigration.v1alpha1.StorageVersionMigration")]
    [InlineData("imagepolicy.k8s.io/v1alpha1", "ImageReview", "k8s.io.api.imagepolicy.v1alpha1.ImageReview")]
    [InlineData("scheduling.k8s.io/v1", "PriorityClass", "k8s.io.api.scheduling.v1.PriorityClass")]
    [InlineData("node.k8s.io/v1", "RuntimeClass", "k8s.io.api.node.v1.RuntimeClass")]
    [InlineData("coordination.k8s.io/v1", "Lease", "k8s.io.api.coordination.v1.Lease")]
    [InlineData("discovery.k8s.io/v1", "EndpointSlice", "k8s.io.api.discovery.v1.EndpointSlice")]
    [InlineData("events.k8s.io/v1", "Event", "k8s.io.api.events.v1.Event")]
    [InlineData("certificates.k8s.io/v1", "CertificateSigningRequest", "k8s.io.api.certificates.v1.CertificateSigningRequest")]
    [InlineData("resource.k8s.io/v1beta1", "ResourceClaim", "k8s.io.api.resource.v1beta1.ResourceClaim")]
    [InlineData("storage.k8s.io/v1", "StorageClass", "k8s.io.api.storage.v1.StorageClass")]
    [InlineData("networking.k8s.io/v1", "Ingress", "k8s.io.api.networking.v1.Ingress")]
    [InlineData("batch/v1", "Job", "k8s.io.api.batch.v1.Job")]
    [InlineData("admission.k8s.io/v1", "AdmissionReview", "k8s.io.api.admission.v1.AdmissionReview")]
    [InlineData("apiextensions.k8s.io/v1", "CustomResourceDefinition", "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition")]
    [InlineData("v1", "Status", "k8s.io.apimachinery.pkg.apis.meta.v1.Status")]
    [InlineData("apps/v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions")]
    [InlineData("example.com/v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions")]
    [InlineData("batch/v1", "WatchEvent", "k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent")]
    [InlineData("meta.k8s.io/v1", "PartialObjectMetadataList", "k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadataList")]
    [InlineData("meta.k8s.io/v1beta1", "PartialObjectMetadataList", "k8s.io.apimachinery.pkg.apis.meta.v1beta1.PartialObjectMetadataList")]
    [InlineData("meta.k8s.io/v1beta1", "PartialObjectMetadata", "k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadata")]
    public void Kind_maps_to_its_message(string apiVersion, string kind, string message)
    {
        Assert.Equal(message, Codec.Kinds.Find(apiVersion, kind)?.FullName);
    }

    [Fact]
    public void PartialObjectMetadataList_v1beta1_writes_items_before_metadata()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();

        Codec.EncodeList(output, "meta.k8s.io/v1beta1", "PartialObjectMetadataList", "PartialObjectMetadata",
            """{"resourceVersion":"7"}"""u8, [Encoding("""{"metadata":{"name":"a"}}""")]);
        var decoded = Codec.Decode(output.WrittenSpan);

        // raw: items = 1 (19 bytes) {metadata = 1 (17) {name "a", seven zero fields}}, then metadata = 2 (ListMeta {selfLink "", resourceVersion "7", continue ""}).
        Assert.Contains("0A13" + "0A11" + "0A0161", Convert.ToHexString(output.WrittenSpan), StringComparison.Ordinal);
        Assert.Contains("1207" + "0A00" + "120137" + "1A00", Convert.ToHexString(output.WrittenSpan), StringComparison.Ordinal);
        Assert.Equal("a", (string?)decoded["items"]?[0]?["metadata"]?["name"]);
        Assert.Equal("7", (string?)decoded["metadata"]?["resourceVersion"]);
    }

    [Fact]
    public void A_list_decodes_to_its_items()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();

        Codec.EncodeList(output, "v1", "ConfigMapList", "ConfigMap", """{"resourceVersion":"9"}"""u8,
            [Encoding("""{"metadata":{"name":"a"},"data":{"k":"v"}}"""), Encoding("""{"metadata":{"name":"b"}}""")]);
        var decoded = Codec.Decode(output.WrittenSpan);

        Assert.Equal("ConfigMapList", (string?)decoded["kind"]);
        Assert.Equal("9", (string?)decoded["metadata"]?["resourceVersion"]);
        Assert.Equal("v", (string?)decoded["items"]?[0]?["data"]?["k"]);
        Assert.Equal("b", (string?)decoded["items"]?[1]?["metadata"]?["name"]);
    }

    private static ReadOnlyMemory<byte> Encoding(string json) => System.Text.Encoding.UTF8.GetBytes(json);
}
