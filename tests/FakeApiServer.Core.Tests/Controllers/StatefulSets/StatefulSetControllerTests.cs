using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.Controllers.StatefulSets;

/// <summary>
/// The statefulset controller through the client, with the node simulator, scheduler and kubelet running pods, so
/// OrderedReady really waits for each pod to be Running and Ready. Orders come from a pod watch opened before the set.
/// </summary>
public sealed class StatefulSetControllerTests
{
    private const string Controllers = "namespace,garbage-collector,statefulset,node-simulator,scheduler,kubelet,persistentvolume-binder,serviceaccount";

    private const string Set = "apis/apps/v1/namespaces/default/statefulsets/web";

    public static JsonObject StatefulSet(int replicas, string image = "nginx:1.27", string extraSpec = "{}")
    {
        var set = JsonNode.Parse("""
            {
              "apiVersion": "apps/v1",
              "kind": "StatefulSet",
              "metadata": {"name": "web"},
              "spec": {
                "replicas": REPLICAS,
                "serviceName": "web",
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                  "metadata": {"labels": {"app": "web"}},
                  "spec": {"containers": [{"name": "nginx", "image": "IMAGE", "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}
                },
                "volumeClaimTemplates": [{
                  "metadata": {"name": "www"},
                  "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
                }]
              }
            }
            """.Replace("REPLICAS", replicas.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("IMAGE", image, StringComparison.Ordinal))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(extraSpec)!.AsObject())
        {
            set["spec"]![key] = value?.DeepClone();
        }

        return set;
    }

    [Fact]
    public async Task Three_replicas_become_ready_one_after_another_with_their_claims_and_identity()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: Controllers);
        await using var log = await PodWatchLog.StartAsync(cluster, "default", ct);

        await cluster.CreateAsync("apis/apps/v1/namespaces/default/statefulsets", StatefulSet(3), ct);
        var set = await WaitForReadyAsync(cluster, 3, ct);
        await log.WaitUntilAsync(l => l.ReadyOrder().Count == 3, ct);

        Assert.Equal(["web-0", "web-1", "web-2"], log.Names(WatchEventType.Added));
        Assert.Equal(["web-0", "web-1", "web-2"], log.ReadyOrder());
        // OrderedReady: each pod is added only after the one before it is Ready.
        Assert.True(log.IndexOf(e => e.Name == "web-0" && e.Ready) < log.IndexOf(e => e.Name == "web-1" && e.Type == WatchEventType.Added));
        Assert.True(log.IndexOf(e => e.Name == "web-1" && e.Ready) < log.IndexOf(e => e.Name == "web-2" && e.Type == WatchEventType.Added));

        var status = set["status"]!;
        var updateRevision = (string)status["updateRevision"]!;
        Assert.Equal((3, 3, 3, 3, 3), ((int)status["replicas"]!, (int)status["readyReplicas"]!, (int)status["currentReplicas"]!, (int)status["updatedReplicas"]!, (int)status["availableReplicas"]!));
        Assert.Equal(updateRevision, (string)status["currentRevision"]!);
        Assert.Equal((long)set["metadata"]!["generation"]!, (long)status["observedGeneration"]!);

        var pod = await cluster.Client.CoreV1.ReadNamespacedPodAsync("web-1", "default", cancellationToken: ct);
        Assert.Equal(("web-1", "1", updateRevision, "web"), (pod.Metadata.Labels["statefulset.kubernetes.io/pod-name"], pod.Metadata.Labels["apps.kubernetes.io/pod-index"], pod.Metadata.Labels["controller-revision-hash"], pod.Metadata.Labels["app"]));
        Assert.Equal(("web-1", "web"), (pod.Spec.Hostname, pod.Spec.Subdomain));
        Assert.Equal("www-web-1", pod.Spec.Volumes.Single(v => v.Name == "www").PersistentVolumeClaim.ClaimName);
        var owner = Assert.Single(pod.Metadata.OwnerReferences);
        Assert.Equal(("StatefulSet", "web", true), (owner.Kind, owner.Name, owner.Controller));

        var claims = (await cluster.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync("default", cancellationToken: ct)).Items;
        Assert.Equal(["www-web-0", "www-web-1", "www-web-2"], claims.Select(c => c.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.All(claims, c => Assert.Equal("web", c.Metadata.Labels["app"]));
        Assert.All(claims, c => Assert.Null(c.Metadata.OwnerReferences));

        var revision = Assert.Single((await cluster.Client.AppsV1.ListNamespacedControllerRevisionAsync("default", cancellationToken: ct)).Items);
        Assert.Equal((updateRevision, 1L, "web"), (revision.Metadata.Name, revision.Revision, revision.Metadata.Labels["app"]));
        Assert.StartsWith("web-", revision.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(revision.Metadata.Name["web-".Length..], revision.Metadata.Labels["controller-revision-hash"]);
        Assert.Equal(("StatefulSet", "web"), (revision.Metadata.OwnerReferences[0].Kind, revision.Metadata.OwnerReferences[0].Name));

        var events = (await cluster.Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.kind=StatefulSet", cancellationToken: ct)).Items;
        Assert.Contains(events, e => e.Reason == "SuccessfulCreate" && e.Message == "create Pod web-0 in StatefulSet web successful");
        Assert.Contains(events, e => e.Reason == "SuccessfulCreate" && e.Message == "create Claim www-web-0 Pod web-0 in StatefulSet web success");
    }

    [Fact]
    public async Task Scaling_down_removes_the_highest_ordinal_first()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: Controllers);
        await cluster.CreateAsync("apis/apps/v1/namespaces/default/statefulsets", StatefulSet(3), ct);
        await WaitForReadyAsync(cluster, 3, ct);
        await using var log = await PodWatchLog.StartAsync(cluster, "default", ct);

        await cluster.Client.AppsV1.PatchNamespacedStatefulSetScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);
        await WaitForReadyAsync(cluster, 1, ct);
        await EventuallyPodsAsync(cluster, ["web-0"], ct);
        await log.WaitUntilAsync(l => l.Names(WatchEventType.Deleted).Count == 2, ct);

        Assert.Equal(["web-2", "web-1"], log.Names(WatchEventType.Deleted));
        // Claims are kept (whenScaled Retain).
        var claims = (await cluster.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync("default", cancellationToken: ct)).Items;
        Assert.Equal(3, claims.Count);
    }

    [Fact]
    public async Task An_image_change_rolls_out_from_the_highest_ordinal_down()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: Controllers);
        await cluster.CreateAsync("apis/apps/v1/namespaces/default/statefulsets", StatefulSet(3), ct);
        var before = await WaitForReadyAsync(cluster, 3, ct);
        await using var log = await PodWatchLog.StartAsync(cluster, "default", ct);

        await SetImageAsync(cluster, "nginx:1.28", ct);
        var after = await cluster.WaitForAsync(Set, s => s["status"]?["currentRevision"]?.ToString() == s["status"]?["updateRevision"]?.ToString()
            && s["status"]?["updateRevision"]?.ToString() != before["status"]!["updateRevision"]!.ToString()
            && (int?)s["status"]?["readyReplicas"] == 3 && (int?)s["status"]?["updatedReplicas"] == 3, ct);
        await log.WaitUntilAsync(l => l.Names(WatchEventType.Deleted).Count == 3, ct);

        Assert.Equal(["web-2", "web-1", "web-0"], log.Names(WatchEventType.Deleted));
        var pods = (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items;
        Assert.All(pods, p => Assert.Equal("nginx:1.28", p.Spec.Containers[0].Image));
        Assert.All(pods, p => Assert.Equal(after["status"]!["updateRevision"]!.ToString(), p.Metadata.Labels["controller-revision-hash"]));
        var revisions = (await cluster.Client.AppsV1.ListNamespacedControllerRevisionAsync("default", cancellationToken: ct)).Items;
        Assert.Equal([1L, 2L], revisions.Select(r => r.Revision).Order());
        Assert.Equal(after["status"]!["updateRevision"]!.ToString(), revisions.Single(r => r.Revision == 2).Metadata.Name);
    }

    [Fact]
    public async Task A_partition_keeps_the_lower_ordinals_at_the_current_revision()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: Controllers);
        await cluster.CreateAsync("apis/apps/v1/namespaces/default/statefulsets", StatefulSet(3, extraSpec: """{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}"""), ct);
        var before = await WaitForReadyAsync(cluster, 3, ct);
        var oldPods = (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items.ToDictionary(p => p.Metadata.Name, p => p.Metadata.Uid);

        await SetImageAsync(cluster, "nginx:1.28", ct);
        var after = await cluster.WaitForAsync(Set, s => (int?)s["status"]?["updatedReplicas"] == 1 && (int?)s["status"]?["readyReplicas"] == 3, ct);

        var pods = (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items.ToDictionary(p => p.Metadata.Name);
        Assert.Equal("nginx:1.28", pods["web-2"].Spec.Containers[0].Image);
        Assert.NotEqual(oldPods["web-2"], pods["web-2"].Metadata.Uid);
        Assert.Equal(("nginx:1.27", oldPods["web-0"]), (pods["web-0"].Spec.Containers[0].Image, pods["web-0"].Metadata.Uid));
        Assert.Equal(("nginx:1.27", oldPods["web-1"]), (pods["web-1"].Spec.Containers[0].Image, pods["web-1"].Metadata.Uid));
        Assert.Equal(before["status"]!["currentRevision"]!.ToString(), after["status"]!["currentRevision"]!.ToString());
        Assert.Equal(2, (int)after["status"]!["currentReplicas"]!);

        // A deleted pod below the partition comes back at the current revision.
        await cluster.Client.CoreV1.DeleteNamespacedPodAsync("web-0", "default", cancellationToken: ct);
        var recreated = await WorkloadTestSupport.EventuallyAsync(async () =>
        {
            var list = (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items;
            return list.FirstOrDefault(p => p.Metadata.Name == "web-0" && p.Metadata.Uid != oldPods["web-0"]);
        }, ct);
        Assert.Equal("nginx:1.27", recreated.Spec.Containers[0].Image);
        Assert.Equal(before["status"]!["currentRevision"]!.ToString(), recreated.Metadata.Labels["controller-revision-hash"]);
    }

    [Fact]
    public async Task OrderedReady_waits_for_a_pod_that_never_runs_and_Parallel_does_not()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        // No scheduler or kubelet: pods stay Pending and never become Ready.
        await using var cluster = await StartAsync(ct, controllers: "namespace,garbage-collector,statefulset,serviceaccount");
        await cluster.CreateAsync("apis/apps/v1/namespaces/default/statefulsets", StatefulSet(3), ct);
        var parallel = StatefulSet(3, extraSpec: """{"podManagementPolicy":"Parallel"}""");
        parallel["metadata"]!["name"] = "par";
        await cluster.CreateAsync("apis/apps/v1/namespaces/default/statefulsets", parallel, ct);

        // The status is written after the pass that created pods: once it counts one, the set has decided to wait.
        await cluster.WaitForAsync(Set, s => (int?)s["status"]?["replicas"] == 1, ct);
        await cluster.WaitForAsync("apis/apps/v1/namespaces/default/statefulsets/par", s => (int?)s["status"]?["replicas"] == 3, ct);
        var names = (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["par-0", "par-1", "par-2", "web-0"], names);
    }

    [Fact]
    public async Task Ordinals_start_and_the_retention_policy_shape_names_and_claim_owners()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: Controllers);
        var spec = """{"ordinals":{"start":5},"persistentVolumeClaimRetentionPolicy":{"whenDeleted":"Delete","whenScaled":"Delete"}}""";
        await cluster.CreateAsync("apis/apps/v1/namespaces/default/statefulsets", StatefulSet(2, extraSpec: spec), ct);
        var set = await WaitForReadyAsync(cluster, 2, ct);
        await EventuallyPodsAsync(cluster, ["web-5", "web-6"], ct);
        var claim = await cluster.Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("www-web-6", "default", cancellationToken: ct);

        var owner = Assert.Single(claim.Metadata.OwnerReferences);
        Assert.Equal(("StatefulSet", (string)set["metadata"]!["uid"]!), (owner.Kind, owner.Uid));

        await cluster.Client.AppsV1.PatchNamespacedStatefulSetScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);
        await EventuallyPodsAsync(cluster, ["web-5"], ct);
        // whenScaled Delete: the scaled-down pod owned its claim, so the garbage collector deletes it with the pod.
        await WorkloadTestSupport.EventuallyAsync(async () =>
            (await cluster.Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync("default", cancellationToken: ct)).Items.Select(c => c.Metadata.Name).SequenceEqual(["www-web-5"]), ct);
    }

    private static Task<JsonObject> WaitForReadyAsync(FakeCluster cluster, int replicas, CancellationToken ct) =>
        cluster.WaitForAsync(Set, s => (int?)s["status"]?["readyReplicas"] == replicas && (int?)s["status"]?["replicas"] == replicas
            && (long?)s["status"]?["observedGeneration"] == (long?)s["metadata"]?["generation"], ct);

    private static Task<V1StatefulSet> SetImageAsync(FakeCluster cluster, string image, CancellationToken ct) =>
        cluster.Client.AppsV1.PatchNamespacedStatefulSetAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"IMAGE"}]}}}}""".Replace("IMAGE", image, StringComparison.Ordinal), V1Patch.PatchType.StrategicMergePatch),
            "web", "default", cancellationToken: ct);

    private static Task EventuallyPodsAsync(FakeCluster cluster, string[] names, CancellationToken ct) =>
        WorkloadTestSupport.EventuallyAsync(async () =>
            (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).SequenceEqual(names), ct);
}
