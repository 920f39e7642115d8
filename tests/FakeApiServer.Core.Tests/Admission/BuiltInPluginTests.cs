using System.Text.Json.Nodes;
using FakeApiServer.Admission;
using FakeApiServer.Admission.Plugins;
using FakeApiServer.Api;
using static FakeApiServer.Tests.Admission.AdmissionTestRequests;

namespace FakeApiServer.Tests.Admission;

public sealed class BuiltInPluginTests
{
    [Fact]
    public async Task Default_toleration_seconds_adds_the_two_no_execute_tolerations()
    {
        var plugin = new DefaultTolerationSecondsPlugin();
        var request = Request(AdmissionOperation.Create, Pods, Pod("""{"tolerations":[{"key":"gpu","operator":"Exists"}]}"""), "web");

        await plugin.AdmitAsync(request, CancellationToken.None);

        Assert.Equal(
            """[{"key":"gpu","operator":"Exists"},{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]""",
            request.Object!["spec"]!["tolerations"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""[{"operator":"Exists"}]""")]
    [InlineData("""[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":60},{"key":"node.kubernetes.io/unreachable","operator":"Exists"}]""")]
    public async Task Default_toleration_seconds_keeps_pods_that_already_tolerate(string tolerations)
    {
        var plugin = new DefaultTolerationSecondsPlugin();
        var request = Request(AdmissionOperation.Update, Pods, Pod($$"""{"tolerations":{{tolerations}}}"""), "web");

        await plugin.AdmitAsync(request, CancellationToken.None);

        Assert.Equal(JsonNode.Parse(tolerations)!.ToJsonString(), request.Object!["spec"]!["tolerations"]!.ToJsonString());
    }

    [Fact]
    public async Task Pod_network_protection_refuses_deleting_the_default_network_only()
    {
        var plugin = new PodNetworkProtectionPlugin();
        var error = await Assert.ThrowsAsync<ApiException>(
            () => plugin.ValidateAsync(Request(AdmissionOperation.Delete, PodNetworks, null, "kubernetes"), CancellationToken.None).AsTask());

        await plugin.ValidateAsync(Request(AdmissionOperation.Delete, PodNetworks, null, "dataplane"), CancellationToken.None);

        Assert.Equal(403, error.Code);
        Assert.Equal("podnetworks \"kubernetes\" is forbidden: the default PodNetwork cannot be deleted", error.Message);
        Assert.False(plugin.Handles(Request(AdmissionOperation.Update, PodNetworks, new JsonObject(), "kubernetes")));
    }
}
