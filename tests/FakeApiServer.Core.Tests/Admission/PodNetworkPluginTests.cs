using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Admission;
using FakeApiServer.Admission.Plugins;
using FakeApiServer.Api;
using static FakeApiServer.Tests.Admission.AdmissionTestRequests;

namespace FakeApiServer.Tests.Admission;

public sealed class PodNetworkPluginTests
{
    private const string DefaultEntry = """{"podNetworkName":"kubernetes","interfaceName":"eth0","isDefaultGW4":true,"isDefaultGW6":true}""";

    private readonly PodNetworkPlugin _plugin = new();

    [Fact]
    public async Task Create_appends_the_default_network_after_the_pods_own()
    {
        var pod = Pod("""{"networks":[{"podNetworkName":"dataplane","interfaceName":"net1"}]}""");
        var request = Request(AdmissionOperation.Create, Pods, pod, "web");

        await _plugin.AdmitAsync(request, CancellationToken.None);
        await _plugin.ValidateAsync(request, CancellationToken.None);

        Assert.Equal($$"""[{"podNetworkName":"dataplane","interfaceName":"net1"},{{DefaultEntry}}]""", request.Object!["spec"]!["networks"]!.ToJsonString());
    }

    [Fact]
    public async Task Create_without_networks_gets_only_the_default_and_host_network_pods_get_none()
    {
        var plain = Request(AdmissionOperation.Create, Pods, Pod("{}"), "web");
        var host = Request(AdmissionOperation.Create, Pods, Pod("""{"hostNetwork":true}"""), "web");

        await _plugin.AdmitAsync(plain, CancellationToken.None);
        await _plugin.AdmitAsync(host, CancellationToken.None);
        await _plugin.ValidateAsync(host, CancellationToken.None);

        Assert.Equal($"[{DefaultEntry}]", plain.Object!["spec"]!["networks"]!.ToJsonString());
        Assert.Null(host.Object!["spec"]!["networks"]);
    }

    [Fact]
    public async Task An_existing_default_entry_is_left_as_written_and_then_judged()
    {
        var pod = Pod("""{"networks":[{"podNetworkName":"kubernetes","interfaceName":"eth0","isDefaultGW4":true}]}""");
        var request = Request(AdmissionOperation.Create, Pods, pod, "web");

        await _plugin.AdmitAsync(request, CancellationToken.None);
        var error = await Assert.ThrowsAsync<ApiException>(() => _plugin.ValidateAsync(request, CancellationToken.None).AsTask());

        Assert.Single(request.Object!["spec"]!["networks"]!.AsArray());
        Assert.Equal("pods \"web\" is forbidden: the default network kubernetes must be the default gateway (v4 and v6)", error.Message);
    }

    [Theory]
    [InlineData("""{"hostNetwork":true,"networks":[{"podNetworkName":"kubernetes","isDefaultGW4":true,"isDefaultGW6":true}]}""", PodNetworkPlugin.HostNetworkMessage)]
    [InlineData("""{"networks":[{"podNetworkName":"kubernetes","isDefaultGW4":true,"isDefaultGW6":false}]}""", PodNetworkPlugin.DefaultGatewayMessage)]
    [InlineData("""{"networks":[{"podNetworkName":"dataplane","isDefaultGW6":true},{"podNetworkName":"kubernetes","isDefaultGW4":true,"isDefaultGW6":true}]}""", PodNetworkPlugin.OnlyDefaultGatewayMessage)]
    [InlineData("""{"networks":[{"podNetworkName":"dataplane"}]}""", PodNetworkPlugin.MissingDefaultMessage)]
    [InlineData("""{"networks":[{"podNetworkName":"kubernetes","isDefaultGW4":true,"isDefaultGW6":true},{"podNetworkName":"kubernetes","interfaceName":"eth1","isDefaultGW4":true,"isDefaultGW6":true}]}""", PodNetworkPlugin.DefaultTwiceMessage)]
    [InlineData("""{"networks":[{"podNetworkName":"dataplane","isDefaultGW4":true},{"podNetworkName":"kubernetes","isDefaultGW4":false}]}""", PodNetworkPlugin.OnlyDefaultGatewayMessage)]
    public async Task Validation_refuses_with_the_first_failing_rule(string spec, string message)
    {
        foreach (var operation in new[] { AdmissionOperation.Create, AdmissionOperation.Update })
        {
            var request = Request(operation, Pods, Pod(spec), "web");
            var error = await Assert.ThrowsAsync<ApiException>(() => _plugin.ValidateAsync(request, CancellationToken.None).AsTask());
            Assert.Equal((int)HttpStatusCode.Forbidden, error.Code);
            Assert.Equal("Forbidden", error.Reason);
            Assert.Equal($"pods \"web\" is forbidden: {message}", error.Message);
        }
    }

    [Fact]
    public void The_messages_are_the_specs()
    {
        Assert.Equal("networks cannot be set for a pod using the host network namespace", PodNetworkPlugin.HostNetworkMessage);
        Assert.Equal("the default network kubernetes must be the default gateway (v4 and v6)", PodNetworkPlugin.DefaultGatewayMessage);
        Assert.Equal("only kubernetes can be the default network", PodNetworkPlugin.OnlyDefaultGatewayMessage);
        Assert.Equal("the default network kubernetes must referred in the pod networks", PodNetworkPlugin.MissingDefaultMessage);
        Assert.Equal("the default network kubernetes can only be referred once in a pod", PodNetworkPlugin.DefaultTwiceMessage);
    }

    [Theory]
    [InlineData("""{"generateName":"web-"}""", "web-")]
    [InlineData("{}", "Unknown")]
    public async Task The_name_in_the_message_falls_back_to_generate_name_then_unknown(string metadata, string expected)
    {
        var pod = (JsonObject)JsonNode.Parse($$$"""{"metadata":{{{metadata}}},"spec":{"networks":[{"podNetworkName":"dataplane"}]}}""")!;
        var error = await Assert.ThrowsAsync<ApiException>(
            () => _plugin.ValidateAsync(Request(AdmissionOperation.Create, Pods, pod), CancellationToken.None).AsTask());
        Assert.Equal($"pods \"{expected}\" is forbidden: {PodNetworkPlugin.MissingDefaultMessage}", error.Message);
    }

    [Fact]
    public void Subresources_and_other_resources_are_not_handled()
    {
        Assert.False(_plugin.Handles(Request(AdmissionOperation.Update, Pods, Pod("{}"), "web", "status")));
        Assert.False(_plugin.Handles(Request(AdmissionOperation.Create, Deployments, new JsonObject(), "web")));
        Assert.False(_plugin.Handles(Request(AdmissionOperation.Delete, Pods, null, "web")));
        Assert.True(_plugin.Handles(Request(AdmissionOperation.Update, Pods, Pod("{}"), "web")));
    }

    [Fact]
    public async Task Update_does_not_mutate()
    {
        var request = Request(AdmissionOperation.Update, Pods, Pod("{}"), "web");
        await _plugin.AdmitAsync(request, CancellationToken.None);
        Assert.Null(request.Object!["spec"]!["networks"]);
    }
}
