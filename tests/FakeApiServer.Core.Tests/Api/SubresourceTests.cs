using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

public sealed class SubresourceTests
{
    [Fact]
    public async Task Status_update_changes_only_status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", replicas: 2), "default", cancellationToken: ct);
        Assert.Null(created.Status?.Replicas);

        created.Spec.Replicas = 9;
        created.Metadata.Labels = new Dictionary<string, string> { ["sneaky"] = "yes" };
        created.Status = new V1DeploymentStatus { Replicas = 2, ReadyReplicas = 1 };
        var updated = await cluster.Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(created, "web", "default", cancellationToken: ct);

        Assert.Equal(2, updated.Status.Replicas);
        Assert.Equal(1, updated.Status.ReadyReplicas);
        Assert.Equal(2, updated.Spec.Replicas);
        Assert.Null(updated.Metadata.Labels);
        Assert.Equal(1, updated.Metadata.Generation);
        Assert.NotEqual(created.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Main_resource_update_keeps_the_stored_status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var created = await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", replicas: 2), "default", cancellationToken: ct);
        created.Status = new V1DeploymentStatus { Replicas = 2 };
        var withStatus = await cluster.Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(created, "web", "default", cancellationToken: ct);

        withStatus.Spec.Replicas = 5;
        withStatus.Status = new V1DeploymentStatus { Replicas = 40 };
        var updated = await cluster.Client.AppsV1.ReplaceNamespacedDeploymentAsync(withStatus, "web", "default", cancellationToken: ct);

        Assert.Equal(5, updated.Spec.Replicas);
        Assert.Equal(2, updated.Status.Replicas);
        Assert.Equal(2, updated.Metadata.Generation);
    }

    [Fact]
    public async Task Create_drops_the_status_of_kinds_with_a_status_subresource()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var body = Deployment("web");
        body.Status = new V1DeploymentStatus { Replicas = 7 };

        var created = await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(body, "default", cancellationToken: ct);

        Assert.Null(created.Status?.Replicas);
    }

    [Fact]
    public async Task Status_patch_changes_only_status()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", replicas: 2), "default", cancellationToken: ct);

        var patched = await cluster.Client.AppsV1.PatchNamespacedDeploymentStatusAsync(
            new V1Patch("""{"spec":{"replicas":8},"status":{"availableReplicas":2}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);

        Assert.Equal(2, patched.Status.AvailableReplicas);
        Assert.Equal(2, patched.Spec.Replicas);
    }

    [Fact]
    public async Task Scale_get_and_put_read_and_write_spec_replicas()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", replicas: 2), "default", cancellationToken: ct);

        var scale = await cluster.Client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default", cancellationToken: ct);
        Assert.Equal("Scale", scale.Kind);
        Assert.Equal("autoscaling/v1", scale.ApiVersion);
        Assert.Equal("web", scale.Metadata.Name);
        Assert.Equal(2, scale.Spec.Replicas);
        Assert.Equal(0, scale.Status.Replicas);
        Assert.Equal("app=web", scale.Status.Selector);

        scale.Spec.Replicas = 4;
        var written = await cluster.Client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", "default", cancellationToken: ct);
        var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);

        Assert.Equal(4, written.Spec.Replicas);
        Assert.Equal(4, deployment.Spec.Replicas);
        Assert.Equal(2, deployment.Metadata.Generation);
        Assert.Equal(deployment.Metadata.ResourceVersion, written.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Scale_put_with_a_stale_resourceVersion_returns_409()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", replicas: 2), "default", cancellationToken: ct);
        var scale = await cluster.Client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default", cancellationToken: ct);
        await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: ct);

        scale.Spec.Replicas = 3;
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.Conflict, "Conflict",
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again");
    }

    [Fact]
    public async Task Scale_put_with_negative_replicas_returns_422()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web"), "default", cancellationToken: ct);
        var scale = await cluster.Client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default", cancellationToken: ct);

        scale.Spec.Replicas = -1;
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", "Scale.autoscaling \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
    }

    [Fact]
    public async Task Scale_of_a_missing_deployment_returns_404()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.NotFound, "NotFound", "deployments.apps \"web\" not found");
    }

    [Fact]
    public async Task Binding_assigns_the_node_and_a_second_binding_returns_409()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("p"), "default", cancellationToken: ct);
        var binding = new V1Binding
        {
            Metadata = new V1ObjectMeta { Name = "p" },
            Target = new V1ObjectReference { Kind = "Node", Name = "node-1" },
        };

        await cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "p", "default", cancellationToken: ct);
        var bound = await cluster.Client.CoreV1.ReadNamespacedPodAsync("p", "default", cancellationToken: ct);
        binding.Target.Name = "node-2";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "p", "default", cancellationToken: ct));

        Assert.Equal("node-1", bound.Spec.NodeName);
        var scheduled = Assert.Single(bound.Status.Conditions, c => c.Type == "PodScheduled");
        Assert.Equal("True", scheduled.Status);
        error.AssertStatus(HttpStatusCode.Conflict, "Conflict", "Operation cannot be fulfilled on pods \"p\": pod p is already assigned to node \"node-1\"");
        Assert.Equal("node-1", (await cluster.Client.CoreV1.ReadNamespacedPodAsync("p", "default", cancellationToken: ct)).Spec.NodeName);
    }

    [Fact]
    public async Task Binding_of_a_missing_pod_returns_404()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var binding = new V1Binding { Metadata = new V1ObjectMeta { Name = "p" }, Target = new V1ObjectReference { Kind = "Node", Name = "n" } };

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "p", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.NotFound, "NotFound", "pods \"p\" not found");
    }

    [Fact]
    public async Task Unknown_subresource_returns_404()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        using var http = cluster.Http();

        using var status = await http.GetAsync("/api/v1/namespaces/default/configmaps/x/status", ct);
        using var scale = await http.GetAsync("/api/v1/namespaces/default/configmaps/x/scale", ct);

        await status.AssertStatusAsync(HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource", ct);
        await scale.AssertStatusAsync(HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource", ct);
    }
}
