using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Features;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.Tests.Controllers;

/// <summary>
/// What the deployment, replicaset, endpoints and garbage collector tests share: a cluster running those controllers
/// without the scheduler and kubelet, a stand-in kubelet that marks pods Running and Ready with IPs through pods/status,
/// deployments built from one template, and polling.
/// </summary>
internal static class WorkloadTestSupport
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    private static int _nextAddress;

    public const string WorkloadControllers = "namespace,garbage-collector,deployment,replicaset,endpoints,endpointslice,serviceaccount";

    public static Task<FakeCluster> StartAsync(CancellationToken cancellationToken, bool multiNetwork = false, string controllers = WorkloadControllers) =>
        FakeCluster.StartAsync(new FakeClusterOptions
        {
            Controllers = ControllerSelection.Parse(controllers),
            FeatureGates = multiNetwork ? FeatureGates.Default.With(FeatureName.MultiNetwork, enabled: true) : FeatureGates.Default,
            RuntimeConfig = multiNetwork ? new Dictionary<string, bool> { ["networking.k8s.io/v1alpha1"] = true } : new Dictionary<string, bool>(),
        }, cancellationToken);

    public static V1Deployment Deployment(string name, int replicas, string image = "nginx:1.27") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec
                {
                    Containers = [new V1Container { Name = "main", Image = image, Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }] }],
                },
            },
        },
    };

    /// <summary>
    /// Plays the kubelet for every pod of <paramref name="ns"/> that is not Ready: phase Running, Ready and a default-network
    /// address per family (10.244.1.N, fd00:10:244:1::N), plus, with <paramref name="multiNetwork"/>, one address on
    /// another network ("dataplane", 192.168.100.N) that services must not use.
    /// </summary>
    public static async Task RunPodsAsync(FakeCluster cluster, string ns, CancellationToken cancellationToken, bool multiNetwork = false)
    {
        var pods = await cluster.Client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: cancellationToken);
        foreach (var pod in pods.Items.Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Conditions?.Any(c => c.Type == "Ready") != true))
        {
            // Distinct addresses for the pods of one test (a test makes far fewer than 250).
            var n = (Interlocked.Increment(ref _nextAddress) % 250) + 2;
            var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var podIps = new JsonArray(
                new JsonObject { ["ip"] = $"10.244.1.{n}", ["podNetwork"] = "kubernetes", ["interfaceName"] = "eth0" },
                new JsonObject { ["ip"] = $"fd00:10:244:1::{n:x}", ["podNetwork"] = "kubernetes", ["interfaceName"] = "eth0" });
            if (multiNetwork)
            {
                podIps.Add(new JsonObject { ["ip"] = $"192.168.100.{n}", ["podNetwork"] = "dataplane", ["interfaceName"] = "net1" });
            }

            var status = new JsonObject
            {
                ["status"] = new JsonObject
                {
                    ["phase"] = "Running",
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = now }),
                    ["podIP"] = $"10.244.1.{n}",
                    ["podIPs"] = podIps,
                },
            }.ToJsonString();
            await PatchStatusAsync(cluster, ns, pod.Metadata.Name, status, cancellationToken);
        }
    }

    /// <summary>The networks the multi-network tests give pods: "dataplane" on net1 (the default network is appended by admission).</summary>
    public static JsonArray DataplaneNetworks() => new(new JsonObject { ["podNetworkName"] = "dataplane", ["interfaceName"] = "net1" });

    /// <summary>A typed object as JSON, to add fields the client's models lack (spec.networks).</summary>
    public static JsonObject ToJson(object obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    /// <summary>POSTs raw JSON to a collection path and returns the created object.</summary>
    public static async Task<JsonObject> CreateJsonAsync(FakeCluster cluster, string path, JsonObject obj, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var content = new StringContent(obj.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>A merge patch of pods/status (raw, as the client's PodIP lacks podNetwork).</summary>
    public static async Task PatchStatusAsync(FakeCluster cluster, string ns, string pod, string mergePatch, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var content = new StringContent(mergePatch, Encoding.UTF8, "application/merge-patch+json");
        using var response = await http.PatchAsync($"api/v1/namespaces/{ns}/pods/{pod}/status", content, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
    }

    /// <summary>GETs a path as JSON, or null on 404.</summary>
    public static async Task<JsonObject?> GetJsonAsync(FakeCluster cluster, string path, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
        using var response = await http.GetAsync(path, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value; the test's timeout ends the wait.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, CancellationToken cancellationToken)
        where T : class
    {
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(25, cancellationToken);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(25, cancellationToken);
        }
    }

    public static async Task<bool> IsGoneAsync(Func<Task> read)
    {
        try
        {
            await read();
            return false;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return true;
        }
    }
}
