using System.Text.Json;
using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl apply --server-side by two field managers, as on a real cluster: the second one's change of an owned
/// field is a conflict naming the first, --force-conflicts moves the field, and a re-apply writes nothing.
/// </summary>
public sealed class ServerSideApplyTests
{
    private static string Deployment(int replicas) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: default
        spec:
          replicas: {replicas}
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: app
                image: nginx:1.27
        """;

    private static string Replicas(int replicas) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: default
        spec:
          replicas: {replicas}
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Two_managers_conflict_until_one_forces_and_a_reapply_changes_nothing(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("web.yaml", Deployment(2));
        var scale = kubectl.WriteFile("scale.yaml", Replicas(5));

        var first = (await kubectl.RunAsync("apply", "--server-side", "-f", manifest)).Succeeded();
        Assert.Equal(["deployment.apps/web serverside-applied"], first.Lines);
        var applied = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
        var entry = Assert.Single(applied.Metadata.ManagedFields);
        Assert.Equal(("kubectl", "Apply"), (entry.Manager, entry.Operation));

        var again = (await kubectl.RunAsync("apply", "--server-side", "-f", manifest)).Succeeded();
        Assert.Equal(["deployment.apps/web serverside-applied"], again.Lines);
        var unchanged = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
        Assert.Equal(applied.Metadata.ResourceVersion, unchanged.Metadata.ResourceVersion);

        var conflict = await kubectl.RunAsync("apply", "--server-side", "--field-manager=other", "-f", scale);
        Assert.Equal(1, conflict.ExitCode);
        Assert.Equal("", conflict.Stdout);
        Assert.StartsWith("error: Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas\nPlease review the fields above",
            conflict.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, (await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct)).Spec.Replicas);

        var forced = (await kubectl.RunAsync("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", scale)).Succeeded();
        Assert.Equal(["deployment.apps/web serverside-applied"], forced.Lines);

        var yaml = (await kubectl.RunAsync("get", "deployment", "web", "-o", "yaml", "--show-managed-fields")).Succeeded().Stdout;
        Assert.Contains("manager: other", yaml, StringComparison.Ordinal);
        var moved = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
        Assert.Equal(5, moved.Spec.Replicas);
        var byManager = moved.Metadata.ManagedFields.ToDictionary(e => e.Manager);
        Assert.Equal("Apply", byManager["other"].Operation);
        Assert.Equal("{\"f:spec\":{\"f:replicas\":{}}}", JsonSerializer.Serialize(byManager["other"].FieldsV1));
        Assert.DoesNotContain("f:replicas", JsonSerializer.Serialize(byManager["kubectl"].FieldsV1), StringComparison.Ordinal);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Server_side_apply_after_client_side_apply_takes_over_and_keeps_the_annotation(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("web.yaml", Deployment(2));
        (await kubectl.RunAsync("apply", "-f", manifest)).Succeeded();
        kubectl.WriteFile("web.yaml", Deployment(3));

        var ssa = (await kubectl.RunAsync("apply", "--server-side", "-f", manifest)).Succeeded();

        Assert.Equal(["deployment.apps/web serverside-applied"], ssa.Lines);
        var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Contains("\"replicas\":3", deployment.Metadata.Annotations["kubectl.kubernetes.io/last-applied-configuration"], StringComparison.Ordinal);
        Assert.Contains(deployment.Metadata.ManagedFields, e => e.Manager == "kubectl" && e.Operation == "Apply");
    }
}
