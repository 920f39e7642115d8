using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Features;
using FakeApiServer.Testing;

namespace FakeApiServer.Tests.Controllers;

/// <summary>
/// What the node, scheduler and kubelet tests share: a cluster running those controllers (and MultiNetwork when asked),
/// raw JSON reads and writes (pods with spec.networks, which the client's models lack), and polling.
/// </summary>
internal static class ControlPlaneTestSupport
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    public const string ControlPlane = "fakeapiserver-control-plane";

    public const string Worker = "fakeapiserver-worker";

    public const string ControlPlaneTaint = "{node-role.kubernetes.io/control-plane: }";

    /// <summary>Starts a cluster and, when the node simulator runs, waits until every node is registered.</summary>
    public static async Task<FakeCluster> StartAsync(
        CancellationToken cancellationToken, bool multiNetwork = false, int nodes = 2, string controllers = "namespace,node-simulator,scheduler,kubelet,serviceaccount")
    {
        var selection = ControllerSelection.Parse(controllers);
        var cluster = await FakeCluster.StartAsync(new FakeClusterOptions
        {
            Controllers = selection,
            Nodes = nodes,
            FeatureGates = multiNetwork ? FeatureGates.Default.With(FeatureName.MultiNetwork, enabled: true) : FeatureGates.Default,
            RuntimeConfig = multiNetwork ? new Dictionary<string, bool> { ["networking.k8s.io/v1alpha1"] = true } : new Dictionary<string, bool>(),
        }, cancellationToken);
        if (selection.IsEnabled("node-simulator"))
        {
            await cluster.WaitForAsync("/api/v1/nodes", list => (list["items"] as JsonArray)?.Count == nodes, cancellationToken);
        }

        return cluster;
    }

    /// <summary>A pod with one busybox container "main" and <paramref name="spec"/>'s fields merged into its spec.</summary>
    public static JsonObject Pod(string name, string spec = "{}", string? annotations = null)
    {
        var podSpec = JsonNode.Parse(spec)!.AsObject();
        podSpec["containers"] ??= JsonNode.Parse("""[{"name":"main","image":"busybox:1.36"}]""");
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = podSpec,
        };
        if (annotations is not null)
        {
            pod["metadata"]!["annotations"] = JsonNode.Parse(annotations);
        }

        return pod;
    }

    public static async Task<JsonObject> CreateAsync(this FakeCluster cluster, string path, JsonObject obj, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var content = new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<JsonObject> PatchAsync(this FakeCluster cluster, string path, string mergePatch, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var content = new StringContent(mergePatch, Encoding.UTF8, "application/merge-patch+json");
        using var response = await http.PatchAsync(path, content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<HttpStatusCode> DeleteAsync(this FakeCluster cluster, string path, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var response = await http.DeleteAsync(path, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>The object at <paramref name="path"/>, or null when it is 404.</summary>
    public static async Task<JsonObject?> GetAsync(this FakeCluster cluster, string path, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var response = await http.GetAsync(path, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Polls <paramref name="path"/> until <paramref name="condition"/> holds for the object, and returns it.</summary>
    public static async Task<JsonObject> WaitForAsync(this FakeCluster cluster, string path, Func<JsonObject, bool> condition, CancellationToken cancellationToken)
    {
        JsonObject? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            last = await cluster.GetAsync(path, cancellationToken);
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(20, cancellationToken);
        }

        throw new TimeoutException("gave up waiting on " + path + "; last: " + last?.ToJsonString());
    }

    /// <summary>Polls until <paramref name="path"/> is 404.</summary>
    public static async Task WaitForGoneAsync(this FakeCluster cluster, string path, CancellationToken cancellationToken)
    {
        while (await cluster.GetAsync(path, cancellationToken) is not null)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Polls until an event with <paramref name="reason"/> is recorded about the named object, and returns it.</summary>
    public static Task<JsonObject> WaitForEventAsync(this FakeCluster cluster, string ns, string involved, string reason, CancellationToken cancellationToken) =>
        WaitForEventsAsync(cluster, ns, involved, reason, cancellationToken);

    private static async Task<JsonObject> WaitForEventsAsync(FakeCluster cluster, string ns, string involved, string reason, CancellationToken cancellationToken)
    {
        while (true)
        {
            var list = await cluster.GetAsync($"/api/v1/namespaces/{ns}/events", cancellationToken);
            if ((list?["items"] as JsonArray ?? []).OfType<JsonObject>().LastOrDefault(e =>
                (string?)e["involvedObject"]?["name"] == involved && (string?)e["reason"] == reason) is { } found)
            {
                return found;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    public static JsonObject? Condition(this JsonObject pod, string type) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    public static string? Phase(this JsonObject pod) => (string?)pod["status"]?["phase"];

    public static string? NodeName(this JsonObject pod) => (string?)pod["spec"]?["nodeName"];

    /// <summary>Whether the pod is unschedulable with exactly <paramref name="message"/>.</summary>
    public static bool IsUnschedulable(this JsonObject pod, string message) =>
        pod.Condition("PodScheduled") is { } c && (string?)c["status"] == "False" && (string?)c["reason"] == "Unschedulable" && (string?)c["message"] == message;
}
