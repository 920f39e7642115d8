using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Apis.Networking;
using FakeApiServer.Apis.Networking.PodNetworkAttachments;
using FakeApiServer.Apis.Networking.PodNetworks;
using FakeApiServer.Features;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FakeApiServer.Tests.Apis.Networking;

/// <summary>networking.k8s.io/v1alpha1 through the KubernetesClient (generic client) and raw HTTP, and pods with networks.</summary>
public sealed class MultiNetworkApiTests
{
    private const string Group = "networking.k8s.io";
    private const string PodNetworks = "apis/networking.k8s.io/v1alpha1/podnetworks";

    /// <summary>The shipped configuration: the MultiNetwork gate and alpha APIs on.</summary>
    internal static readonly FakeClusterOptions MultiNetworkOn = new()
    {
        FeatureGates = FeatureGates.Parse("MultiNetwork=true"),
        RuntimeConfig = new Dictionary<string, bool> { ["api/alpha"] = true },
    };

    internal static PodNetwork Dataplane(bool? enabled = true) => new()
    {
        Metadata = new V1ObjectMeta { Name = "dataplane" },
        Spec = new PodNetworkSpec
        {
            Enabled = enabled,
            Provider = "k8s.cni.cncf.io/multus",
            ParametersRefs = [new ParametersRef { Group = "k8s.cni.cncf.io/v1", Kind = "NetworkAttachmentDefinition", Namespace = "default", Name = "macvlan-nad" }],
        },
    };

    [Fact]
    public async Task Pod_network_created_through_the_generic_client_gets_generation_1_enabled_and_no_status()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var client = new GenericClient(cluster.Client, Group, "v1alpha1", "podnetworks", disposeClient: false);
        var sent = Dataplane(enabled: null) with
        {
            Status = new PodNetworkStatus { Conditions = [new V1Condition { Type = "Ready", Status = "True", Reason = "Ready", Message = "", LastTransitionTime = DateTime.UtcNow }] },
        };

        var created = await client.CreateAsync(sent, ct);
        var read = await client.ReadAsync<PodNetwork>("dataplane", ct);
        var list = await client.ListAsync<PodNetworkList>(cancel: ct);

        Assert.Equal(1, created.Metadata.Generation);
        Assert.True(created.Spec.Enabled);
        Assert.Null(created.Status);
        Assert.Equal("k8s.cni.cncf.io/multus", read.Spec.Provider);
        Assert.Equal(sent.Spec.ParametersRefs, read.Spec.ParametersRefs);
        Assert.Null(read.Metadata.NamespaceProperty);
        Assert.Equal("dataplane", Assert.Single(list.Items).Metadata.Name);
    }

    [Fact]
    public async Task Enabled_false_is_written_and_survives_a_read_and_write_back()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var http = cluster.Http();

        using var created = await http.PostAsync(PodNetworks, ApiTestSupport.Json("""{"metadata":{"name":"off"},"spec":{"enabled":false}}"""), ct);
        var body = await created.ReadObjectAsync(ct);
        body["spec"]!["provider"] = null;
        using var replaced = await http.PutAsync(PodNetworks + "/off", ApiTestSupport.Json(body.ToJsonString()), ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.False((bool?)(await replaced.ReadObjectAsync(ct))["spec"]?["enabled"]);
    }

    [Fact]
    public async Task Patching_enabled_bumps_generation_and_keeps_status()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var client = new GenericClient(cluster.Client, Group, "v1alpha1", "podnetworks", disposeClient: false);
        var created = await client.CreateAsync(Dataplane(), ct);
        created.Status = new PodNetworkStatus { Conditions = [new V1Condition { Type = "Ready", Status = "True", Reason = "Ready", Message = "ok", LastTransitionTime = DateTime.UtcNow }] };
        await ReplaceStatusAsync(cluster, created, ct);

        var patched = await client.PatchAsync<PodNetwork>(new V1Patch("""{"spec":{"enabled":false}}""", V1Patch.PatchType.MergePatch), "dataplane", ct);

        Assert.Equal(2, patched.Metadata.Generation);
        Assert.False(patched.Spec.Enabled);
        Assert.Equal("True", Assert.Single(patched.Status!.Conditions!).Status);
    }

    [Fact]
    public async Task Patching_provider_or_parameters_refs_returns_422_field_is_immutable()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var client = new GenericClient(cluster.Client, Group, "v1alpha1", "podnetworks", disposeClient: false);
        await client.CreateAsync(Dataplane(), ct);

        var provider = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.PatchAsync<PodNetwork>(new V1Patch("""{"spec":{"provider":"acme.io/other"}}""", V1Patch.PatchType.MergePatch), "dataplane", ct));
        var refs = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.PatchAsync<PodNetwork>(new V1Patch("""{"spec":{"parametersRefs":null}}""", V1Patch.PatchType.MergePatch), "dataplane", ct));

        var status = provider.AssertStatus((HttpStatusCode)422, "Invalid",
            "PodNetwork.networking.k8s.io \"dataplane\" is invalid: spec.provider: Invalid value: \"acme.io/other\": field is immutable");
        Assert.Equal("FieldValueInvalid", (string?)status["details"]?["causes"]?[0]?["reason"]);
        Assert.Equal("spec.provider", (string?)status["details"]?["causes"]?[0]?["field"]);
        refs.AssertStatus((HttpStatusCode)422, "Invalid", "PodNetwork.networking.k8s.io \"dataplane\" is invalid: spec.parametersRefs: Invalid value: []: field is immutable");
    }

    [Fact]
    public async Task Status_update_cannot_change_spec()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var client = new GenericClient(cluster.Client, Group, "v1alpha1", "podnetworks", disposeClient: false);
        var created = await client.CreateAsync(Dataplane(), ct);
        created.Spec.Enabled = false;
        created.Spec.Provider = "acme.io/other";
        created.Status = new PodNetworkStatus { Conditions = [new V1Condition { Type = "Ready", Status = "False", Reason = "AdministrativelyDisabled", Message = "", LastTransitionTime = DateTime.UtcNow }] };

        var updated = await ReplaceStatusAsync(cluster, created, ct);

        Assert.True(updated.Spec.Enabled);
        Assert.Equal("k8s.cni.cncf.io/multus", updated.Spec.Provider);
        Assert.Equal(1, updated.Metadata.Generation);
        Assert.Equal("AdministrativelyDisabled", Assert.Single(updated.Status!.Conditions!).Reason);
    }

    [Fact]
    public async Task Attachment_without_pod_network_name_returns_422_naming_the_field()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("apis/networking.k8s.io/v1alpha1/namespaces/default/podnetworkattachments",
            ApiTestSupport.Json("""{"metadata":{"name":"fast"},"spec":{}}"""), ct);

        var status = await response.AssertStatusAsync((HttpStatusCode)422, "Invalid",
            "PodNetworkAttachment.networking.k8s.io \"fast\" is invalid: spec.podNetworkName: Required value", ct);
        Assert.Equal("spec.podNetworkName", (string?)status["details"]?["causes"]?[0]?["field"]);
        Assert.Equal("Required value", (string?)status["details"]?["causes"]?[0]?["message"]);
    }

    [Fact]
    public async Task Attachment_in_a_namespace_is_created_and_its_spec_is_immutable()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var client = new GenericClient(cluster.Client, Group, "v1alpha1", "podnetworkattachments", disposeClient: false);
        var attachment = new PodNetworkAttachment
        {
            Metadata = new V1ObjectMeta { Name = "fast" },
            Spec = new PodNetworkAttachmentSpec { PodNetworkName = "dataplane" },
        };

        var created = await client.CreateNamespacedAsync(attachment, "default", ct);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.PatchNamespacedAsync<PodNetworkAttachment>(
            new V1Patch("""{"spec":{"podNetworkName":"other"}}""", V1Patch.PatchType.MergePatch), "default", "fast", ct));

        Assert.Equal("default", created.Metadata.NamespaceProperty);
        Assert.Equal(1, created.Metadata.Generation);
        error.AssertStatus((HttpStatusCode)422, "Invalid",
            "PodNetworkAttachment.networking.k8s.io \"fast\" is invalid: spec.podNetworkName: Invalid value: \"other\": field is immutable");
    }

    [Fact]
    public async Task Discovery_lists_both_kinds_with_short_names_and_status_subresources()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);

        var list = await cluster.Client.CustomObjects.GetAPIResourcesAsync(Group, "v1alpha1", ct);

        var pn = Assert.Single(list.Resources, r => r.Name == "podnetworks");
        var pna = Assert.Single(list.Resources, r => r.Name == "podnetworkattachments");
        Assert.Equal(["pn"], pn.ShortNames);
        Assert.False(pn.Namespaced);
        Assert.Equal("PodNetwork", pn.Kind);
        Assert.Equal(["pna"], pna.ShortNames);
        Assert.True(pna.Namespaced);
        Assert.Contains(list.Resources, r => r.Name == "podnetworks/status");
        Assert.Contains(list.Resources, r => r.Name == "podnetworkattachments/status");
    }

    [Fact]
    public async Task Alpha_group_is_absent_and_answers_404_unless_runtime_config_enables_it()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions
        {
            FeatureGates = FeatureGates.Parse("MultiNetwork=false"),
            RuntimeConfig = new Dictionary<string, bool> { ["api/alpha"] = true, ["networking.k8s.io/v1alpha1"] = false },
        }, ct);
        using var http = cluster.Http();

        var groups = await http.GetStringAsync("apis", ct);
        using var list = await http.GetAsync(PodNetworks, ct);
        using var groupVersion = await http.GetAsync("apis/networking.k8s.io/v1alpha1", ct);
        using var openApi = await http.GetAsync("openapi/v3/apis/networking.k8s.io/v1alpha1", ct);
        var openApiRoot = await http.GetStringAsync("openapi/v3", ct);

        // networking.k8s.io/v1 (Ingress, NetworkPolicy...) stays: only the alpha version is gone.
        Assert.DoesNotContain("networking.k8s.io/v1alpha1", groups, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, list.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, groupVersion.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, openApi.StatusCode);
        Assert.DoesNotContain("networking.k8s.io/v1alpha1", openApiRoot, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_off_drops_networks_from_a_new_pod()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.PostAsync("api/v1/namespaces/default/pods", ApiTestSupport.Json(PodWithNetworksJson), ct);
        var pod = await response.ReadObjectAsync(ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Null(pod["spec"]?["networks"]);
    }

    [Fact]
    public async Task Pod_networks_round_trip_every_field_and_cannot_change()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var http = cluster.Http();

        using var created = await http.PostAsync("api/v1/namespaces/default/pods", ApiTestSupport.Json(PodWithNetworksJson), ct);
        var read = await http.GetStringAsync("api/v1/namespaces/default/pods/mn", ct);
        using var changed = await http.PatchAsync("api/v1/namespaces/default/pods/mn",
            ApiTestSupport.Json("""{"spec":{"networks":[{"podNetworkName":"other"}]}}""", "application/merge-patch+json"), ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(PodWithNetworksJson)!["spec"]!["networks"], JsonNode.Parse(read)!["spec"]!["networks"]));
        var status = await changed.AssertStatusAsync((HttpStatusCode)422, "Invalid", null, ct);
        Assert.Equal("spec", (string?)status["details"]?["causes"]?[0]?["field"]);
    }

    [Fact]
    public async Task Pod_networks_round_trip_through_the_kubernetes_client()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var client = new GenericClient(cluster.Client, "", "v1", "pods", disposeClient: false);
        var sent = JsonNode.Parse(PodWithNetworksJson)!.AsObject();

        var created = await client.CreateNamespacedAsync(new JsonPod(sent), "default", ct);
        var read = await client.ReadNamespacedAsync<JsonPod>("default", "mn", ct);

        Assert.True(JsonNode.DeepEquals(sent["spec"]!["networks"], read.Spec!["networks"]));
        Assert.Equal("mn", created.Metadata.Name);
    }

    [Fact]
    public async Task Pod_ip_labels_are_validated_against_the_pod_networks_and_always_carry_pod_network()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var http = cluster.Http();
        using var created = await http.PostAsync("api/v1/namespaces/default/pods", ApiTestSupport.Json(PodWithNetworksJson), ct);
        var pod = await created.ReadObjectAsync(ct);

        pod["status"]!["podIPs"] = JsonNode.Parse("""
            [{"ip":"10.244.1.5","podNetwork":"kubernetes","interfaceName":"eth0"},{"ip":"fd00:10:244:1::5","podNetwork":"kubernetes","interfaceName":"eth0"},
             {"ip":"169.254.100.2","podNetwork":"dataplane","interfaceName":"net1"},{"ip":"100:100::2","podNetwork":"dataplane","interfaceName":"net1"},
             {"ip":"10.10.0.1","podNetwork":"fast","interfaceName":"net2"},{"ip":"192.168.0.1"}]
            """);
        using var accepted = await http.PutAsync("api/v1/namespaces/default/pods/mn/status", ApiTestSupport.Json(pod.ToJsonString()), ct);
        var stored = await accepted.ReadObjectAsync(ct);
        var storedIps = stored["status"]!["podIPs"]!.DeepClone().AsArray();
        stored["status"]!["podIPs"]!.AsArray().Add(new JsonObject { ["ip"] = "10.1.1.1", ["podNetwork"] = "unknown" });
        using var refused = await http.PutAsync("api/v1/namespaces/default/pods/mn/status", ApiTestSupport.Json(stored.ToJsonString()), ct);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(6, storedIps.Count);
        Assert.Equal("", (string?)storedIps[5]!["podNetwork"]);
        var status = await refused.AssertStatusAsync((HttpStatusCode)422, "Invalid", null, ct);
        Assert.Equal("status.podIPs", (string?)status["details"]?["causes"]?[0]?["field"]);
        Assert.EndsWith(": PodNetworkName must be existing in Spec.networks", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_off_keeps_upstream_pod_ip_rules()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        using var created = await http.PostAsync("api/v1/namespaces/default/pods", ApiTestSupport.Json(PodWithNetworksJson), ct);
        var pod = await created.ReadObjectAsync(ct);
        pod["status"]!["podIPs"] = JsonNode.Parse("""[{"ip":"10.244.1.5"},{"ip":"10.244.1.6"}]""");

        using var refused = await http.PutAsync("api/v1/namespaces/default/pods/mn/status", ApiTestSupport.Json(pod.ToJsonString()), ct);

        var status = await refused.AssertStatusAsync((HttpStatusCode)422, "Invalid", null, ct);
        Assert.EndsWith("may specify no more than one IP for each IP family", (string?)status["message"], StringComparison.Ordinal);
    }

    /// <summary>PUT podnetworks/{name}/status through the KubernetesClient's custom object operations.</summary>
    private static async Task<PodNetwork> ReplaceStatusAsync(FakeCluster cluster, PodNetwork podNetwork, CancellationToken ct)
    {
        var result = await cluster.Client.CustomObjects.ReplaceClusterCustomObjectStatusAsync(
            podNetwork, Group, "v1alpha1", "podnetworks", podNetwork.Metadata.Name, cancellationToken: ct);
        return KubernetesJson.Deserialize<PodNetwork>(((System.Text.Json.JsonElement)result).GetRawText());
    }

    internal const string PodWithNetworksJson = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"mn","namespace":"default"},
         "spec":{"containers":[{"name":"c","image":"busybox:1.36"}],
           "networks":[{"podNetworkName":"dataplane","interfaceName":"net1"},
                       {"podNetworkAttachmentName":"fast","interfaceName":"net2"},
                       {"podNetworkName":"kubernetes","interfaceName":"eth0","isDefaultGW4":true,"isDefaultGW6":true}]}}
        """;

    /// <summary>A pod read by the KubernetesClient with its spec kept as JSON, so fields V1PodSpec lacks survive.</summary>
    private sealed class JsonPod : IKubernetesObject<V1ObjectMeta>
    {
        public JsonPod()
        {
        }

        public JsonPod(JsonObject pod)
        {
            Metadata = new V1ObjectMeta { Name = (string?)pod["metadata"]?["name"], NamespaceProperty = (string?)pod["metadata"]?["namespace"] };
            Spec = pod["spec"]?.DeepClone().AsObject();
        }

        [System.Text.Json.Serialization.JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = "v1";

        [System.Text.Json.Serialization.JsonPropertyName("kind")]
        public string Kind { get; set; } = "Pod";

        [System.Text.Json.Serialization.JsonPropertyName("metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();

        [System.Text.Json.Serialization.JsonPropertyName("spec")]
        public JsonObject? Spec { get; set; }
    }
}
