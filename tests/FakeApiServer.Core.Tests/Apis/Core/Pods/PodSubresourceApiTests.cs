using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Apis.Core.Pods;

/// <summary>pods/ephemeralcontainers and pods/resize: each changes only its part of the pod, with upstream's messages for the rest.</summary>
public sealed class PodSubresourceApiTests
{
    private const string Strategic = "application/strategic-merge-patch+json";

    [Fact]
    public async Task Ephemeral_containers_are_added_but_never_changed_or_removed()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: ct);
        using var http = cluster.Http();
        const string Path = "api/v1/namespaces/default/pods/web/ephemeralcontainers";

        // Anything but spec.ephemeralContainers is dropped, as upstream's strategy does.
        using var added = await http.PatchAsync(Path, Json(
            """{"metadata":{"labels":{"x":"y"}},"spec":{"activeDeadlineSeconds":5,"ephemeralContainers":[{"name":"dbg","image":"busybox","targetContainerName":"app"}]}}""", Strategic), ct);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var pod = await cluster.Client.CoreV1.ReadNamespacedPodAsync("web", "default", cancellationToken: ct);
        var debug = Assert.Single(pod.Spec.EphemeralContainers);
        Assert.Equal(("dbg", "busybox", "app", "Always", "File"), (debug.Name, debug.Image, debug.TargetContainerName, debug.ImagePullPolicy, debug.TerminationMessagePolicy));
        Assert.Null(pod.Metadata.Labels);
        Assert.Null(pod.Spec.ActiveDeadlineSeconds);
        using var get = await http.GetAsync(Path, ct);
        Assert.Equal("dbg", (string?)(await get.ReadObjectAsync(ct))["spec"]!["ephemeralContainers"]![0]!["name"]);

        using var changed = await http.PatchAsync(Path, Json("""{"spec":{"ephemeralContainers":[{"name":"dbg","image":"alpine"}]}}""", Strategic), ct);
        await changed.AssertStatusAsync((HttpStatusCode)422, "Invalid",
            "Pod \"web\" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers \"dbg\" may not be changed\n", ct);
        using var removed = await http.PatchAsync(Path, Json("""[{"op":"remove","path":"/spec/ephemeralContainers/0"}]""", "application/json-patch+json"), ct);
        await removed.AssertStatusAsync((HttpStatusCode)422, "Invalid",
            "Pod \"web\" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers \"dbg\" may not be removed\n", ct);
        using var invalid = await http.PatchAsync(Path, Json(
            """{"spec":{"ephemeralContainers":[{"name":"app","image":"busybox","ports":[{"containerPort":80}]},{"name":"t","image":"busybox","targetContainerName":"nope"}]}}""", Strategic), ct);
        await invalid.AssertStatusAsync((HttpStatusCode)422, "Invalid",
            "Pod \"web\" is invalid: [spec.ephemeralContainers[1].name: Duplicate value: \"app\", spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container, spec.ephemeralContainers[2].targetContainerName: Not found: \"nope\"]", ct);
    }

    [Fact]
    public async Task Resize_changes_cpu_and_memory_only()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var pod = Pod("web");
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m"), ["memory"] = new("64Mi"), ["ephemeral-storage"] = new("1Gi") },
        };
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: ct);
        using var http = cluster.Http();
        const string Path = "api/v1/namespaces/default/pods/web/resize";

        using var resized = await http.PatchAsync(Path, Json(
            """{"spec":{"containers":[{"name":"app","image":"ignored:1","resources":{"requests":{"cpu":"200m"}}}]}}""", Strategic), ct);
        Assert.Equal(HttpStatusCode.OK, resized.StatusCode);
        var stored = await cluster.Client.CoreV1.ReadNamespacedPodAsync("web", "default", cancellationToken: ct);
        Assert.Equal("200m", stored.Spec.Containers[0].Resources.Requests["cpu"].ToString());
        Assert.Equal("nginx:1.27", stored.Spec.Containers[0].Image);

        using var removal = await http.PatchAsync(Path, Json("""{"spec":{"containers":[{"name":"app","resources":{"requests":{"memory":null}}}]}}""", Strategic), ct);
        await removal.AssertStatusAsync((HttpStatusCode)422, "Invalid",
            "Pod \"web\" is invalid: spec.containers[0].resources.requests[memory]: Forbidden: resource removal is not supported", ct);
        using var storage = await http.PatchAsync(Path, Json("""{"spec":{"containers":[{"name":"app","resources":{"requests":{"ephemeral-storage":"2Gi"}}}]}}""", Strategic), ct);
        await storage.AssertStatusAsync((HttpStatusCode)422, "Invalid",
            "Pod \"web\" is invalid: spec: Forbidden: only cpu and memory resources are mutable", ct);
        using var qos = await http.PatchAsync(Path, Json(
            """{"spec":{"containers":[{"name":"app","resources":{"limits":{"cpu":"200m","memory":"64Mi"}}}]}}""", Strategic), ct);
        await qos.AssertStatusAsync((HttpStatusCode)422, "Invalid",
            "Pod \"web\" is invalid: spec: Invalid value: \"Burstable\": Pod QOS Class may not change as a result of resizing", ct);
    }
}
