using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>kubectl delete: DELETE with propagationPolicy=Background, then its wait until the object is gone.</summary>
public sealed class DeleteTests
{
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Delete_by_name_waits_until_the_object_is_gone(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(E2E.ConfigMap("x", data: ("a", "1")), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(E2E.Pod("p"), "default", cancellationToken: ct);

        var results = await Task.WhenAll(
            kubectl.RunAsync("delete", "cm", "x"),
            kubectl.RunAsync("delete", "pod", "p", "--wait=true"),
            kubectl.RunAsync("delete", "cm", "nope"));

        Assert.Equal(["configmap \"x\" deleted"], results[0].Succeeded().Lines);
        Assert.Equal(["pod \"p\" deleted"], results[1].Succeeded().Lines);
        results[2].FailedWith("Error from server (NotFound): configmaps \"nope\" not found");
        await AssertGoneAsync(() => cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default", cancellationToken: ct));
        await AssertGoneAsync(() => cluster.Client.CoreV1.ReadNamespacedPodAsync("p", "default", cancellationToken: ct));
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Delete_of_a_manifest_deletes_every_object(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("create", "-f", kubectl.WriteFile("app.yaml", E2E.Manifest("shop")))).Succeeded();

        // Without the namespace: deleting it first would race its controller deleting the same objects.
        var delete = (await kubectl.RunAsync("delete", "-f", kubectl.WriteFile("objects.yaml", E2E.Objects("shop")))).Succeeded();

        Assert.Equal(
        [
            "configmap \"settings\" deleted",
            "deployment.apps \"web\" deleted",
            "pod \"worker\" deleted",
            "service \"web\" deleted",
        ], delete.Lines);
        var after = await kubectl.RunAsync("get", "cm,deploy,pods,svc", "-n", "shop");
        Assert.Equal(0, after.ExitCode);
        Assert.Equal("No resources found in shop namespace.\n", after.Stderr);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Delete_of_a_namespace_waits_until_its_content_and_itself_are_gone(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("create", "-f", kubectl.WriteFile("app.yaml", E2E.Manifest("shop")))).Succeeded();

        var delete = (await kubectl.RunAsync("delete", "ns", "shop")).Succeeded();

        Assert.Equal(["namespace \"shop\" deleted"], delete.Lines);
        await AssertGoneAsync(() => cluster.Client.CoreV1.ReadNamespaceAsync("shop", cancellationToken: ct));
        await AssertGoneAsync(() => cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("settings", "shop", cancellationToken: ct));
        await AssertGoneAsync(() => cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "shop", cancellationToken: ct));
    }

    private static async Task AssertGoneAsync<T>(Func<Task<T>> read)
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(read);
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }
}
