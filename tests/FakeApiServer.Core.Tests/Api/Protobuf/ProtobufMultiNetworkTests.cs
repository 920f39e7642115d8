using System.Text;
using FakeApiServer.Api.Protobuf;

namespace FakeApiServer.Tests.Api.Protobuf;

/// <summary>
/// The KEP-3698 fork's numbers: PodNetwork(Attachment) in networking.k8s.io/v1alpha1, PodIP.podNetwork = 2 and
/// interfaceName = 3; PodSpec keeps upstream's numbering (resources = 40), so spec.networks has no protobuf form.
/// </summary>
public sealed class ProtobufMultiNetworkTests
{
    private static readonly ProtobufCodec Codec = ProtobufCodec.Create();

    [Fact]
    public void Pod_spec_networks_is_dropped_and_field_40_stays_resources()
    {
        const string withNetworks = """
            {"metadata":{"name":"p"},"spec":{"resources":{"limits":{"cpu":"1"}},
             "networks":[{"podNetworkName":"blue","interfaceName":"eth1","isDefaultGW4":true}]}}
            """;
        const string without = """{"metadata":{"name":"p"},"spec":{"resources":{"limits":{"cpu":"1"}}}}""";

        var encoded = Codec.Encode("v1", "Pod", Encoding.UTF8.GetBytes(withNetworks));
        var decoded = Codec.Decode(encoded);

        Assert.Equal(Convert.ToHexString(Codec.Encode("v1", "Pod", Encoding.UTF8.GetBytes(without))), Convert.ToHexString(encoded));
        Assert.Null(decoded["spec"]?["networks"]);
        Assert.Equal("1", (string?)decoded["spec"]?["resources"]?["limits"]?["cpu"]);
        Assert.Contains(Codec.Schema.ForkFieldsNotServed, f => f.StartsWith("k8s.io.api.core.v1.PodSpec.networks = 40", StringComparison.Ordinal));
    }

    [Fact]
    public void Pod_ip_carries_the_forks_pod_network_and_interface_name()
    {
        const string pod = """{"status":{"podIPs":[{"ip":"10.0.0.1","podNetwork":"blue","interfaceName":"eth1"},{"ip":"10.0.0.2"}]}}""";

        var encoded = Codec.Encode("v1", "Pod", Encoding.UTF8.GetBytes(pod));
        var decoded = Codec.Decode(encoded);

        // PodStatus.podIPs = 12: {ip = 1 "10.0.0.1", podNetwork = 2 "blue", interfaceName = 3 "eth1"}, then {ip "10.0.0.2"} alone.
        Assert.Contains("6216" + "0A0831302E302E302E31" + "1204626C7565" + "1A0465746831" + "620A0A0831302E302E302E32", Convert.ToHexString(encoded), StringComparison.Ordinal);
        Assert.Equal("blue", (string?)decoded["status"]?["podIPs"]?[0]?["podNetwork"]);
        Assert.Equal("eth1", (string?)decoded["status"]?["podIPs"]?[0]?["interfaceName"]);
        Assert.Null(decoded["status"]?["podIPs"]?[1]?["podNetwork"]);
    }

    [Fact]
    public void Pod_network_and_attachment_use_the_forks_numbers()
    {
        Assert.True(Codec.Supports("networking.k8s.io/v1alpha1", "PodNetwork"));
        Assert.True(Codec.Supports("networking.k8s.io/v1alpha1", "PodNetworkList"));
        Assert.True(Codec.Supports("networking.k8s.io/v1alpha1", "PodNetworkAttachmentList"));
        var output = new System.Buffers.ArrayBufferWriter<byte>();

        Codec.EncodeMessage(output, "networking.k8s.io/v1alpha1", "PodNetworkAttachment",
            """{"metadata":{"name":"a"},"spec":{"podNetworkName":"blue","parametersRefs":[{"group":"g","kind":"k","name":"n"}]}}"""u8);

        // spec = 2: podNetworkName = 1 "blue", parametersRefs = 2 {group 1, kind 2, name 3, namespace 4 ""}; status = 3 empty.
        Assert.EndsWith("1213" + "0A04626C7565" + "120B" + "0A0167" + "12016B" + "1A016E" + "2200" + "1A00", Convert.ToHexString(output.WrittenSpan), StringComparison.Ordinal);
    }
}
