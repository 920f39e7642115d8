using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Features;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;

namespace FakeApiServer.Tests.Controllers.PodNetworks;

public sealed class PodNetworkControllersTests
{
    private static readonly FakeClusterOptions MultiNetwork = new()
    {
        FeatureGates = FeatureGates.Default.With(FeatureName.MultiNetwork, true),
        RuntimeConfig = new Dictionary<string, bool> { ["networking.k8s.io/v1alpha1"] = true },
        Controllers = ControllerSelection.Parse("namespace,default-podnetwork,podnetwork-status,serviceaccount"),
    };

    private const string Group = "networking.k8s.io";
    private const string Version = "v1alpha1";

    [Fact]
    public async Task The_default_pod_network_exists_at_start_and_comes_back_after_a_delete()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // The PodNetworkProtection admission plugin refuses this delete; the controller must cope when it is off.
        await using var cluster = await FakeCluster.StartAsync(MultiNetwork with { DisableAdmissionPlugins = ["PodNetworkProtection"] }, cts.Token);
        var client = cluster.Client;

        var first = await EventuallyAsync(() => GetAsync(client, "kubernetes", cts.Token), cts.Token);
        await client.CustomObjects.DeleteClusterCustomObjectAsync(Group, Version, "podnetworks", "kubernetes", cancellationToken: cts.Token);
        var started = DateTime.UtcNow;
        var again = await EventuallyAsync(async () =>
        {
            var pn = await GetAsync(client, "kubernetes", cts.Token);
            return pn is not null && (string?)pn["metadata"]!["uid"] != (string?)first["metadata"]!["uid"] ? pn : null;
        }, cts.Token);

        Assert.True((bool?)first["spec"]!["enabled"]);
        Assert.Null(first["spec"]!["provider"]);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), "the default PodNetwork was not back within a second");
        Assert.True((bool?)again["spec"]!["enabled"]);
    }

    [Fact]
    public async Task Conditions_follow_enabled_and_the_parameters_and_attachments_follow_their_network()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var cluster = await FakeCluster.StartAsync(MultiNetwork, cts.Token);
        var client = cluster.Client;
        await client.CustomObjects.CreateClusterCustomObjectAsync(JsonNode.Parse("""
            {"apiVersion":"networking.k8s.io/v1alpha1","kind":"PodNetwork","metadata":{"name":"dataplane"},
             "spec":{"provider":"example.com/net","parametersRefs":[{"group":"coordination.k8s.io","kind":"Lease","namespace":"default","name":"params"}]}}
            """), Group, Version, "podnetworks", cancellationToken: cts.Token);
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonNode.Parse("""
            {"apiVersion":"networking.k8s.io/v1alpha1","kind":"PodNetworkAttachment","metadata":{"name":"fast"},"spec":{"podNetworkName":"dataplane"}}
            """), Group, Version, "default", "podnetworkattachments", cancellationToken: cts.Token);

        var missingParams = await EventuallyAsync(async () => Condition(await GetAsync(client, "dataplane", cts.Token), "Ready") is { } c && (string?)c["reason"] == "ParamsNotReady" ? c : null, cts.Token);
        var attachmentWaits = await EventuallyAsync(async () => Condition(await GetAttachmentAsync(client, cts.Token), "Ready") is { } c && (string?)c["reason"] == "PodNetworkNotReady" ? c : null, cts.Token);
        await client.CoordinationV1.CreateNamespacedLeaseAsync(new k8s.Models.V1Lease { Metadata = new k8s.Models.V1ObjectMeta { Name = "params" } }, "default", cancellationToken: cts.Token);
        var ready = await EventuallyAsync(async () => Condition(await GetAsync(client, "dataplane", cts.Token), "Ready") is { } c && (string?)c["status"] == "True" ? c : null, cts.Token);
        var attachmentReady = await EventuallyAsync(async () => Condition(await GetAttachmentAsync(client, cts.Token), "Ready") is { } c && (string?)c["status"] == "True" ? c : null, cts.Token);
        await client.CustomObjects.PatchClusterCustomObjectAsync(new k8s.Models.V1Patch("""{"spec":{"enabled":false}}""", k8s.Models.V1Patch.PatchType.MergePatch),
            Group, Version, "podnetworks", "dataplane", cancellationToken: cts.Token);
        var disabled = await EventuallyAsync(async () => Condition(await GetAsync(client, "dataplane", cts.Token), "Ready") is { } c && (string?)c["reason"] == "AdministrativelyDisabled" ? c : null, cts.Token);

        Assert.Equal("False", (string?)missingParams["status"]);
        Assert.Equal("False", (string?)attachmentWaits["status"]);
        Assert.Equal("Ready", (string?)ready["reason"]);
        Assert.Equal(1, (long?)ready["observedGeneration"]);
        Assert.Equal("Ready", (string?)attachmentReady["reason"]);
        Assert.Equal("False", (string?)disabled["status"]);
        Assert.Equal(2, (long?)disabled["observedGeneration"]);
    }

    [Fact]
    public async Task A_pod_network_in_use_by_a_pod_stays_terminating_until_the_pod_is_gone()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var cluster = await FakeCluster.StartAsync(MultiNetwork, cts.Token);
        var client = cluster.Client;
        await client.CustomObjects.CreateClusterCustomObjectAsync(JsonNode.Parse("""
            {"apiVersion":"networking.k8s.io/v1alpha1","kind":"PodNetwork","metadata":{"name":"dataplane"},"spec":{}}
            """), Group, Version, "podnetworks", cancellationToken: cts.Token);
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var created = await http.PostAsync("api/v1/namespaces/default/pods", new StringContent("""
            {"metadata":{"name":"p"},"spec":{"networks":[{"podNetworkName":"kubernetes","interfaceName":"eth0","isDefaultGW4":true,"isDefaultGW6":true},
             {"podNetworkName":"dataplane","interfaceName":"net1"}],"containers":[{"name":"c","image":"busybox"}]}}
            """, System.Text.Encoding.UTF8, "application/json"), cts.Token);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);

        await EventuallyAsync(async () => (await GetAsync(client, "dataplane", cts.Token))?["metadata"]?["finalizers"] is JsonArray { Count: 1 } f ? f : null, cts.Token);
        await client.CustomObjects.DeleteClusterCustomObjectAsync(Group, Version, "podnetworks", "dataplane", cancellationToken: cts.Token);
        var terminating = await GetAsync(client, "dataplane", cts.Token);
        await client.CoreV1.DeleteNamespacedPodAsync("p", "default", cancellationToken: cts.Token);
        await EventuallyAsync(async () => await GetAsync(client, "dataplane", cts.Token) is null ? new JsonObject() : null, cts.Token);

        Assert.NotNull(terminating!["metadata"]!["deletionTimestamp"]);
        Assert.Equal("networking.k8s.io/pod-network-protection", (string?)terminating["metadata"]!["finalizers"]![0]);
    }

    private static JsonObject? Condition(JsonObject? obj, string type) =>
        (obj?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    private static async Task<JsonObject?> GetAsync(IKubernetes client, string name, CancellationToken cancellationToken)
    {
        try
        {
            var obj = await client.CustomObjects.GetClusterCustomObjectAsync(Group, Version, "podnetworks", name, cancellationToken);
            return JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(obj)) as JsonObject;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<JsonObject?> GetAttachmentAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        var obj = await client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, "default", "podnetworkattachments", "fast", cancellationToken);
        return JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(obj)) as JsonObject;
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, CancellationToken cancellationToken)
        where T : class
    {
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
