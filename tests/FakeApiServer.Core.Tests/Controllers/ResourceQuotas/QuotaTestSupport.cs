using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FakeApiServer.Tests.Controllers.ResourceQuotas;

/// <summary>What the quota and limit range tests share: a cluster with the resourcequota controller, pods and quotas.</summary>
internal static class QuotaTestSupport
{
    public const string Ns = "default";

    public static Task<FakeCluster> StartAsync(CancellationToken cancellationToken) =>
        FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace,resourcequota,serviceaccount") }, cancellationToken);

    public static V1Pod Pod(string name, V1ResourceRequirements? resources = null, Action<V1PodSpec>? tweak = null)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx:1.27", Resources = resources }] },
        };
        tweak?.Invoke(pod.Spec);
        return pod;
    }

    public static V1ResourceRequirements Resources(string? cpuRequest = null, string? memoryLimit = null, string? cpuLimit = null)
    {
        var requests = new Dictionary<string, ResourceQuantity>();
        var limits = new Dictionary<string, ResourceQuantity>();
        if (cpuRequest is not null)
        {
            requests["cpu"] = new ResourceQuantity(cpuRequest);
        }

        if (memoryLimit is not null)
        {
            limits["memory"] = new ResourceQuantity(memoryLimit);
        }

        if (cpuLimit is not null)
        {
            limits["cpu"] = new ResourceQuantity(cpuLimit);
        }

        return new V1ResourceRequirements { Requests = requests, Limits = limits };
    }

    public static V1ResourceQuota NewQuota(string name, IDictionary<string, string> hard, Action<V1ResourceQuotaSpec>? tweak = null)
    {
        var quota = new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1ResourceQuotaSpec { Hard = hard.ToDictionary(h => h.Key, h => new ResourceQuantity(h.Value)) },
        };
        tweak?.Invoke(quota.Spec);
        return quota;
    }

    /// <summary>Creates the quota and waits until the controller has filled its status (admission charges only then).</summary>
    public static async Task<V1ResourceQuota> CreateQuotaAsync(IKubernetes client, V1ResourceQuota quota, CancellationToken cancellationToken)
    {
        await client.CoreV1.CreateNamespacedResourceQuotaAsync(quota, Ns, cancellationToken: cancellationToken);
        return await WaitForQuotaAsync(client, quota.Metadata.Name, q => q.Status?.Used is not null && q.Status.Hard?.Count == quota.Spec.Hard.Count, cancellationToken);
    }

    /// <summary>Polls the quota until <paramref name="condition"/> holds; the test's timeout ends the wait.</summary>
    public static Task<V1ResourceQuota> WaitForQuotaAsync(IKubernetes client, string name, Func<V1ResourceQuota, bool> condition, CancellationToken cancellationToken) =>
        WorkloadTestSupport.EventuallyAsync(async () =>
        {
            var quota = await client.CoreV1.ReadNamespacedResourceQuotaAsync(name, Ns, cancellationToken: cancellationToken);
            return condition(quota) ? quota : null;
        }, cancellationToken);

    /// <summary>The quota's status.used of one resource, as the server printed it.</summary>
    public static string? Used(V1ResourceQuota quota, string resource) =>
        quota.Status?.Used is { } used && used.TryGetValue(resource, out var amount) ? amount.ToString() : null;

    /// <summary>Runs a write expected to be refused; returns the Status code and message.</summary>
    public static async Task<(HttpStatusCode Code, string Message)> RefusedAsync(Func<Task> write)
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(write);
        var status = JsonNode.Parse(error.Response.Content)!;
        return (error.Response.StatusCode, (string)status["message"]!);
    }
}
