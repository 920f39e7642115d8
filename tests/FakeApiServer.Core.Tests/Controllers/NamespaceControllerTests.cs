using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FakeApiServer.Tests.Controllers;

public sealed class NamespaceControllerTests
{
    [Fact]
    public async Task Deleting_a_namespace_deletes_its_content_then_the_namespace()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        var client = cluster.Client;
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "doomed" } }, cancellationToken: cts.Token);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, "doomed", cancellationToken: cts.Token);
        await client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "held", Finalizers = ["example.com/hold"] } }, "doomed", cancellationToken: cts.Token);

        var deleting = await client.CoreV1.DeleteNamespaceAsync("doomed", cancellationToken: cts.Token);
        var terminating = await WaitForAsync(async () =>
        {
            var ns = await client.CoreV1.ReadNamespaceAsync("doomed", cancellationToken: cts.Token);
            var left = await client.CoreV1.ListNamespacedConfigMapAsync("doomed", cancellationToken: cts.Token);
            return left.Items.Count == 1 && left.Items[0].Metadata.DeletionTimestamp is not null ? ns : null;
        }, cts.Token);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "late" } }, "doomed", cancellationToken: cts.Token));

        var held = await client.CoreV1.ReadNamespacedConfigMapAsync("held", "doomed", cancellationToken: cts.Token);
        held.Metadata.Finalizers = [];
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(held, "held", "doomed", cancellationToken: cts.Token);
        var gone = await WaitForAsync(async () =>
        {
            try
            {
                await client.CoreV1.ReadNamespaceAsync("doomed", cancellationToken: cts.Token);
                return null;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return e;
            }
        }, cts.Token);

        Assert.Equal("Terminating", terminating.Status.Phase);
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Contains("configmaps \\\"late\\\" is forbidden: unable to create new content in namespace doomed because it is being terminated", refused.Response.Content, StringComparison.Ordinal);
        Assert.NotNull(gone);
        Assert.NotNull(deleting);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("kube-system")]
    [InlineData("kube-public")]
    public async Task System_namespaces_cannot_be_deleted(string name)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var cluster = await FakeCluster.StartAsync(cts.Token);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.DeleteNamespaceAsync(name, cancellationToken: cts.Token));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.Response.StatusCode);
        Assert.Contains($"namespaces \\\"{name}\\\" is forbidden: this namespace may not be deleted", error.Response.Content, StringComparison.Ordinal);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, CancellationToken cancellationToken)
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
}
