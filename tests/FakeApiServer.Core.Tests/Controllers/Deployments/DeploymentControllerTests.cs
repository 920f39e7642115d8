using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.WorkloadTestSupport;

namespace FakeApiServer.Tests.Controllers.Deployments;

public sealed class DeploymentControllerTests
{
    [Fact]
    public async Task Scaling_a_deployment_to_5_and_back_to_2_leaves_two_pods_and_endpoints_with_their_default_ips()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, multiNetwork: true);
        var client = cluster.Client;
        var web = ToJson(Deployment("web", 2));
        web["spec"]!["template"]!["spec"]!["networks"] = DataplaneNetworks();
        await CreateJsonAsync(cluster, "apis/apps/v1/namespaces/default/deployments", web, ct);
        await client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1ServiceSpec
            {
                Selector = new Dictionary<string, string> { ["app"] = "web" },
                Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http" }],
            },
        }, "default", cancellationToken: ct);

        await WaitForAvailableAsync(cluster, 2, ct, multiNetwork: true);
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);
        await WaitForAvailableAsync(cluster, 5, ct, multiNetwork: true);
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":2}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);
        var deployment = await WaitForAvailableAsync(cluster, 2, ct, multiNetwork: true);

        var pods = (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=web", cancellationToken: ct)).Items;
        var replicaSets = (await client.AppsV1.ListNamespacedReplicaSetAsync("default", cancellationToken: ct)).Items;
        var endpoints = await EventuallyAsync(async () =>
        {
            var e = await client.CoreV1.ReadNamespacedEndpointsAsync("web", "default", cancellationToken: ct);
            return e.Subsets?.SingleOrDefault()?.Addresses?.Count == 2 && e.Subsets[0].NotReadyAddresses is null ? e : null;
        }, ct);
        var events = (await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.kind=Deployment,reason=ScalingReplicaSet", cancellationToken: ct)).Items;
        var rs = Assert.Single(replicaSets);
        var rawPod = await GetJsonAsync(cluster, "api/v1/namespaces/default/pods/" + pods[0].Metadata.Name, ct);

        Assert.Equal(2, pods.Count);
        Assert.Contains(rawPod!["spec"]!["networks"]!.AsArray(), n => n!["podNetworkName"]!.GetValue<string>() == "dataplane");
        Assert.All(pods, p => Assert.StartsWith(rs.Metadata.Name + "-", p.Metadata.Name, StringComparison.Ordinal));
        Assert.All(pods, p => Assert.Equal(5, p.Metadata.Name.Length - rs.Metadata.Name.Length - 1));
        Assert.All(pods, p => Assert.Equal(rs.Metadata.Labels["pod-template-hash"], p.Metadata.Labels["pod-template-hash"]));
        Assert.Equal("web-" + rs.Metadata.Labels["pod-template-hash"], rs.Metadata.Name);
        var owner = Assert.Single(pods[0].Metadata.OwnerReferences);
        Assert.Equal(("ReplicaSet", rs.Metadata.Name, rs.Metadata.Uid, true, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal(pods.Select(p => p.Status.PodIP).Order(StringComparer.Ordinal), endpoints.Subsets[0].Addresses.Select(a => a.Ip).Order(StringComparer.Ordinal));
        Assert.All(endpoints.Subsets[0].Addresses, a => Assert.StartsWith("10.244.1.", a.Ip, StringComparison.Ordinal));
        Assert.All(endpoints.Subsets[0].Addresses, a => Assert.Equal("Pod", a.TargetRef.Kind));
        Assert.Equal(8080, Assert.Single(endpoints.Subsets[0].Ports).Port);
        Assert.Equal("1", deployment.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal("2", rs.Metadata.Annotations["deployment.kubernetes.io/desired-replicas"]);
        Assert.Equal("3", rs.Metadata.Annotations["deployment.kubernetes.io/max-replicas"]);
        Assert.Equal((2, 2, 2, 2, null), (deployment.Status.Replicas, deployment.Status.UpdatedReplicas, deployment.Status.ReadyReplicas, deployment.Status.AvailableReplicas, deployment.Status.UnavailableReplicas));
        Assert.Equal(deployment.Metadata.Generation, deployment.Status.ObservedGeneration);
        var available = deployment.Status.Conditions.Single(c => c.Type == "Available");
        Assert.Equal(("True", "MinimumReplicasAvailable", "Deployment has minimum availability."), (available.Status, available.Reason, available.Message));
        var progressing = deployment.Status.Conditions.Single(c => c.Type == "Progressing");
        Assert.Equal(("True", "NewReplicaSetAvailable", $"ReplicaSet \"{rs.Metadata.Name}\" has successfully progressed."), (progressing.Status, progressing.Reason, progressing.Message));
        Assert.Contains(events, e => e.Message == $"Scaled up replica set {rs.Metadata.Name} to 2 from 0");
        Assert.Contains(events, e => e.Message == $"Scaled up replica set {rs.Metadata.Name} to 5 from 2");
        Assert.Contains(events, e => e.Message == $"Scaled down replica set {rs.Metadata.Name} to 2 from 5");
    }

    [Fact]
    public async Task A_new_template_rolls_out_a_new_replica_set_and_scales_the_old_one_to_zero()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 3), "default", cancellationToken: ct);
        await WaitForAvailableAsync(cluster, 3, ct);

        await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:1.28"}]}}}}""", V1Patch.PatchType.StrategicMergePatch),
            "web", "default", cancellationToken: ct);
        var deployment = await EventuallyAsync(async () =>
        {
            await RunPodsAsync(cluster, "default", ct);
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
            var pods = (await client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items;
            return d.Status?.UpdatedReplicas == 3 && d.Status.Replicas == 3 && d.Status.AvailableReplicas == 3 && d.Metadata.Generation == d.Status.ObservedGeneration
                && pods.Count == 3 && pods.All(p => p.Spec.Containers[0].Image == "nginx:1.28") ? d : null;
        }, ct);

        var replicaSets = (await client.AppsV1.ListNamespacedReplicaSetAsync("default", cancellationToken: ct)).Items.OrderBy(r => r.Metadata.Annotations["deployment.kubernetes.io/revision"]).ToList();
        Assert.Equal(2, replicaSets.Count);
        Assert.Equal(0, replicaSets[0].Spec.Replicas);
        Assert.Equal("1", replicaSets[0].Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal(3, replicaSets[1].Spec.Replicas);
        Assert.Equal("2", replicaSets[1].Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Equal("2", deployment.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.NotEqual(replicaSets[0].Metadata.Labels["pod-template-hash"], replicaSets[1].Metadata.Labels["pod-template-hash"]);
    }

    [Fact]
    public async Task Old_replica_sets_beyond_revision_history_limit_are_deleted()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        var deployment = Deployment("web", 1);
        deployment.Spec.RevisionHistoryLimit = 1;
        await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default", cancellationToken: ct);
        foreach (var image in new[] { "nginx:1", "nginx:2", "nginx:3" })
        {
            await client.AppsV1.PatchNamespacedDeploymentAsync(
                new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"IMAGE"}]}}}}""".Replace("IMAGE", image, StringComparison.Ordinal), V1Patch.PatchType.StrategicMergePatch),
                "web", "default", cancellationToken: ct);
            await EventuallyAsync(async () =>
            {
                await RunPodsAsync(cluster, "default", ct);
                var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
                return d.Status?.UpdatedReplicas == 1 && d.Status.Replicas == 1 && d.Status.AvailableReplicas == 1 && d.Metadata.Generation == d.Status.ObservedGeneration;
            }, ct);
        }

        var replicaSets = await EventuallyAsync(async () =>
        {
            // The deployment's status can be observed before the newest replica set is listed: wait for revision 4.
            var list = (await client.AppsV1.ListNamespacedReplicaSetAsync("default", cancellationToken: ct)).Items;
            return list.Count == 2 && list.Any(r => r.Metadata.Annotations["deployment.kubernetes.io/revision"] == "4") ? list : null;
        }, ct);

        Assert.Equal(["3", "4"], replicaSets.Select(r => r.Metadata.Annotations["deployment.kubernetes.io/revision"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Recreate_scales_the_old_replica_set_down_before_the_new_one_up()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        var deployment = Deployment("web", 2);
        deployment.Spec.Strategy = new V1DeploymentStrategy { Type = "Recreate" };
        await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default", cancellationToken: ct);
        await WaitForAvailableAsync(cluster, 2, ct);

        await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:1.28"}]}}}}""", V1Patch.PatchType.StrategicMergePatch),
            "web", "default", cancellationToken: ct);
        await EventuallyAsync(async () =>
        {
            await RunPodsAsync(cluster, "default", ct);
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
            return d.Status?.UpdatedReplicas == 2 && d.Status.AvailableReplicas == 2 && d.Status.Replicas == 2 && d.Metadata.Generation == d.Status.ObservedGeneration;
        }, ct);

        var events = (await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "reason=ScalingReplicaSet", cancellationToken: ct)).Items
            .OrderBy(e => e.FirstTimestamp).Select(e => e.Message).ToList();
        var down = events.FindIndex(m => m.StartsWith("Scaled down", StringComparison.Ordinal) && m.EndsWith("to 0 from 2", StringComparison.Ordinal));
        var up = events.FindLastIndex(m => m.StartsWith("Scaled up", StringComparison.Ordinal) && m.EndsWith("to 2 from 0", StringComparison.Ordinal));
        Assert.True(down >= 0 && up > down, string.Join("\n", events));
    }

    [Fact]
    public async Task Deleting_the_namespace_of_a_deployment_removes_the_deployment_its_replica_set_and_pods_then_the_namespace()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop" } }, cancellationToken: ct);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 3), "shop", cancellationToken: ct);
        await EventuallyAsync(async () => (await client.CoreV1.ListNamespacedPodAsync("shop", cancellationToken: ct)).Items.Count == 3, ct);

        await client.CoreV1.DeleteNamespaceAsync("shop", cancellationToken: ct);
        await EventuallyAsync(() => IsGoneAsync(() => client.CoreV1.ReadNamespaceAsync("shop", cancellationToken: ct)), ct);

        Assert.Empty((await client.AppsV1.ListNamespacedDeploymentAsync("shop", cancellationToken: ct)).Items);
        Assert.Empty((await client.AppsV1.ListNamespacedReplicaSetAsync("shop", cancellationToken: ct)).Items);
        Assert.Empty((await client.CoreV1.ListNamespacedPodAsync("shop", cancellationToken: ct)).Items);
    }

    [Fact]
    public async Task An_orphaned_replica_set_the_selector_matches_is_adopted_and_one_relabelled_away_is_released()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        var orphan = new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta { Name = "orphan", Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = 0,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web", ["track"] = "old" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web", ["track"] = "old" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "nginx:1.26" }] },
                },
            },
        };
        await client.AppsV1.CreateNamespacedReplicaSetAsync(orphan, "default", cancellationToken: ct);
        var deployment = await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 1), "default", cancellationToken: ct);

        var adopted = await EventuallyAsync(async () =>
        {
            var rs = await client.AppsV1.ReadNamespacedReplicaSetAsync("orphan", "default", cancellationToken: ct);
            return rs.Metadata.OwnerReferences?.Count == 1 ? rs : null;
        }, ct);
        await WaitForAvailableAsync(cluster, 1, ct);
        var history = (await client.AppsV1.ListNamespacedReplicaSetAsync("default", cancellationToken: ct)).Items;
        await client.AppsV1.PatchNamespacedReplicaSetAsync(
            new V1Patch("""{"metadata":{"labels":{"app":"other"}}}""", V1Patch.PatchType.MergePatch), "orphan", "default", cancellationToken: ct);
        var released = await EventuallyAsync(async () =>
        {
            var rs = await client.AppsV1.ReadNamespacedReplicaSetAsync("orphan", "default", cancellationToken: ct);
            return rs.Metadata.OwnerReferences is null or { Count: 0 } ? rs : null;
        }, ct);

        var owner = Assert.Single(adopted.Metadata.OwnerReferences);
        Assert.Equal(("apps/v1", "Deployment", "web", deployment.Metadata.Uid, true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        // The adopted replica set (another template, no revision) is an old one; the deployment made its own, revision 1.
        Assert.Equal(2, history.Count);
        Assert.Contains(history, rs => rs.Metadata.Name != "orphan" && rs.Metadata.Annotations["deployment.kubernetes.io/revision"] == "1");
        Assert.Equal("other", released.Metadata.Labels["app"]);
    }

    [Fact]
    public async Task Scaling_in_the_middle_of_a_rollout_spreads_the_new_replicas_over_old_and_new_replica_sets_by_their_share()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        var deployment = Deployment("web", 10);
        deployment.Spec.Strategy = new V1DeploymentStrategy
        {
            Type = "RollingUpdate",
            RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 3, MaxUnavailable = 2 },
        };
        await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default", cancellationToken: ct);
        await WaitForAvailableAsync(cluster, 10, ct);

        // The new pods never become ready: the rollout stops at 8 old and 5 new (13 = 10 + maxSurge, 8 = 10 - maxUnavailable available).
        await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:1.28"}]}}}}""", V1Patch.PatchType.StrategicMergePatch),
            "web", "default", cancellationToken: ct);
        await WaitForReplicaSetSizesAsync(client, (8, 5), ct);
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":20}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);
        var (old, @new) = await WaitForReplicaSetSizesAsync(client, (14, 9), ct);
        // The events are recorded after the replica sets are written: wait for them.
        var events = await EventuallyAsync(async () =>
        {
            var list = (await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.kind=Deployment,reason=ScalingReplicaSet", cancellationToken: ct)).Items;
            return list.Any(e => e.Message.EndsWith("to 14 from 8", StringComparison.Ordinal)) && list.Any(e => e.Message.EndsWith("to 9 from 5", StringComparison.Ordinal)) ? list : null;
        }, ct);

        // 8 * 23 / 13 = 14.2 and 5 * 23 / 13 = 8.8, rounded: the 10 new replicas go 6 to the old and 4 to the new replica set.
        Assert.All([old, @new], rs => Assert.Equal(("20", "23"), (rs.Metadata.Annotations["deployment.kubernetes.io/desired-replicas"], rs.Metadata.Annotations["deployment.kubernetes.io/max-replicas"])));
        Assert.Contains(events, e => e.Message == $"Scaled up replica set {old.Metadata.Name} to 14 from 8");
        Assert.Contains(events, e => e.Message == $"Scaled up replica set {@new.Metadata.Name} to 9 from 5");
    }

    [Fact]
    public async Task Pods_the_replica_set_cannot_create_show_as_the_ReplicaFailure_condition_of_replica_set_and_deployment()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        // No namespace controller: the deleted namespace stays Terminating, where nothing new may be created.
        await using var cluster = await StartAsync(ct, controllers: "deployment,replicaset");
        var client = cluster.Client;
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "shop" } }, cancellationToken: ct);
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 0), "shop", cancellationToken: ct);
        var rs = await EventuallyAsync(async () => (await client.AppsV1.ListNamespacedReplicaSetAsync("shop", cancellationToken: ct)).Items.SingleOrDefault(), ct);
        await client.CoreV1.DeleteNamespaceAsync("shop", cancellationToken: ct);

        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":2}}""", V1Patch.PatchType.MergePatch), "web", "shop", cancellationToken: ct);
        var deployment = await EventuallyAsync(async () =>
        {
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "shop", cancellationToken: ct);
            return d.Status?.Conditions?.Any(c => c.Type == "ReplicaFailure") == true ? d : null;
        }, ct);
        var failedRs = await client.AppsV1.ReadNamespacedReplicaSetAsync(rs.Metadata.Name, "shop", cancellationToken: ct);

        var message = $"pods \"{rs.Metadata.Name}-\" is forbidden: unable to create new content in namespace shop because it is being terminated";
        var rsCondition = Assert.Single(failedRs.Status.Conditions);
        Assert.Equal(("ReplicaFailure", "True", "FailedCreate"), (rsCondition.Type, rsCondition.Status, rsCondition.Reason));
        Assert.Equal(message, rsCondition.Message);
        var condition = deployment.Status.Conditions.Single(c => c.Type == "ReplicaFailure");
        Assert.Equal(("True", "FailedCreate", message), (condition.Status, condition.Reason, condition.Message));
        Assert.Equal(rsCondition.LastTransitionTime, condition.LastUpdateTime);
    }

    [Fact]
    public async Task A_rollout_without_progress_for_progressDeadlineSeconds_is_Progressing_False_ProgressDeadlineExceeded()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await FakeCluster.StartAsync(
            new FakeClusterOptions { Controllers = ControllerSelection.Parse("deployment,replicaset,serviceaccount"), TimeProvider = time }, ct);
        var client = cluster.Client;
        var web = Deployment("web", 2);
        web.Spec.ProgressDeadlineSeconds = 60;
        await client.AppsV1.CreateNamespacedDeploymentAsync(web, "default", cancellationToken: ct);
        var progressing = await EventuallyAsync(async () =>
        {
            // A little time passes meanwhile, so a write retried with back-off (a conflict) runs again.
            time.Advance(TimeSpan.FromMilliseconds(100));
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
            return d.Status?.UpdatedReplicas == 2 ? d.Status.Conditions.Single(c => c.Type == "Progressing") : null;
        }, ct);

        // Pods never become ready; the clock moves in steps until the controller's deadline check fires.
        var timedOut = await EventuallyAsync(async () =>
        {
            time.Advance(TimeSpan.FromSeconds(5));
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
            return d.Status.Conditions.Single(c => c.Type == "Progressing") is { Status: "False" } c ? c : null;
        }, ct);
        var rs = Assert.Single((await client.AppsV1.ListNamespacedReplicaSetAsync("default", cancellationToken: ct)).Items);

        Assert.Equal("True", progressing.Status);
        Assert.Equal(("ProgressDeadlineExceeded", $"ReplicaSet \"{rs.Metadata.Name}\" has timed out progressing."), (timedOut.Reason, timedOut.Message));
        // Whole seconds: the deadline passed after the last progress, stamped at or before the one seen here.
        Assert.True(timedOut.LastUpdateTime - progressing.LastUpdateTime >= TimeSpan.FromSeconds(60), $"{progressing.LastUpdateTime:O} -> {timedOut.LastUpdateTime:O}");
    }

    [Fact]
    public async Task A_paused_deployment_is_Progressing_Unknown_and_rolls_out_a_new_template_only_when_resumed()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 2), "default", cancellationToken: ct);
        await WaitForAvailableAsync(cluster, 2, ct);

        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"paused":true}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);
        var paused = await EventuallyAsync(async () =>
        {
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
            return d.Status.Conditions.Single(c => c.Type == "Progressing") is { Reason: "DeploymentPaused" } c ? c : null;
        }, ct);
        var changed = await client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:1.28"}]}}}}""", V1Patch.PatchType.StrategicMergePatch),
            "web", "default", cancellationToken: ct);
        await EventuallyAsync(async () =>
            (await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct)).Status.ObservedGeneration == changed.Metadata.Generation, ct);
        var whilePaused = (await client.AppsV1.ListNamespacedReplicaSetAsync("default", cancellationToken: ct)).Items;
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"paused":null}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);
        var resumed = await WaitForImageAsync(cluster, "nginx:1.28", ct);

        Assert.Equal(("Unknown", "Deployment is paused"), (paused.Status, paused.Message));
        Assert.Single(whilePaused);
        Assert.Equal("2", resumed.Metadata.Annotations["deployment.kubernetes.io/revision"]);
    }

    [Fact]
    public async Task Rolling_back_to_an_old_template_gives_its_replica_set_the_next_revision_and_keeps_the_old_one_in_revision_history()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct);
        var client = cluster.Client;
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 1), "default", cancellationToken: ct);
        await WaitForAvailableAsync(cluster, 1, ct);
        foreach (var image in new[] { "nginx:1.28", "nginx:1.27" })
        {
            await client.AppsV1.PatchNamespacedDeploymentAsync(
                new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"IMAGE"}]}}}}""".Replace("IMAGE", image, StringComparison.Ordinal), V1Patch.PatchType.StrategicMergePatch),
                "web", "default", cancellationToken: ct);
            await WaitForImageAsync(cluster, image, ct);
        }

        var replicaSets = (await client.AppsV1.ListNamespacedReplicaSetAsync("default", cancellationToken: ct)).Items;
        var first = replicaSets.Single(rs => rs.Spec.Template.Spec.Containers[0].Image == "nginx:1.27");
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);

        Assert.Equal(2, replicaSets.Count);
        Assert.Equal(("3", "1"), (first.Metadata.Annotations["deployment.kubernetes.io/revision"], first.Metadata.Annotations["deployment.kubernetes.io/revision-history"]));
        Assert.Equal("3", deployment.Metadata.Annotations["deployment.kubernetes.io/revision"]);
    }

    /// <summary>Runs pods until every pod of the deployment runs <paramref name="image"/> and the rollout is complete.</summary>
    private static Task<V1Deployment> WaitForImageAsync(FakeCluster cluster, string image, CancellationToken ct) =>
        EventuallyAsync(async () =>
        {
            await RunPodsAsync(cluster, "default", ct);
            var d = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
            var pods = (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=web", cancellationToken: ct)).Items;
            var replicas = d.Spec.Replicas ?? 1;
            return d.Status?.UpdatedReplicas == replicas && d.Status.Replicas == replicas && d.Status.AvailableReplicas == replicas
                && d.Metadata.Generation == d.Status.ObservedGeneration && pods.Count == replicas && pods.All(p => p.Spec.Containers[0].Image == image) ? d : null;
        }, ct);

    /// <summary>Waits until the oldest and the newest replica set have the given spec.replicas.</summary>
    private static async Task<(V1ReplicaSet Old, V1ReplicaSet New)> WaitForReplicaSetSizesAsync(IKubernetes client, (int Old, int New) sizes, CancellationToken ct)
    {
        var pair = await EventuallyAsync(async () =>
        {
            var list = (await client.AppsV1.ListNamespacedReplicaSetAsync("default", cancellationToken: ct)).Items
                .OrderBy(rs => rs.Metadata.Annotations["deployment.kubernetes.io/revision"], StringComparer.Ordinal).ToList();
            return list.Count == 2 && list[0].Spec.Replicas == sizes.Old && list[1].Spec.Replicas == sizes.New ? list : null;
        }, ct);
        return (pair[0], pair[1]);
    }

    /// <summary>Runs pods until the deployment has <paramref name="replicas"/> available and exactly that many pods.</summary>
    private static Task<V1Deployment> WaitForAvailableAsync(FakeCluster cluster, int replicas, CancellationToken ct, bool multiNetwork = false) =>
        EventuallyAsync(async () =>
        {
            await RunPodsAsync(cluster, "default", ct, multiNetwork);
            var d = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
            var pods = (await cluster.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=web", cancellationToken: ct)).Items;
            var done = d.Status?.AvailableReplicas == replicas && d.Status.Replicas == replicas && d.Status.UpdatedReplicas == replicas
                && d.Metadata.Generation == d.Status.ObservedGeneration && pods.Count == replicas
                && d.Status.Conditions?.Any(c => c is { Type: "Progressing", Reason: "NewReplicaSetAvailable" }) == true;
            return done ? d : null;
        }, ct);
}
