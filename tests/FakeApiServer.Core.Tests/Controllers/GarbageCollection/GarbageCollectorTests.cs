using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.WorkloadTestSupport;

namespace FakeApiServer.Tests.Controllers.GarbageCollection;

/// <summary>Owner references and the three propagation policies, with only the garbage collector running.</summary>
public sealed class GarbageCollectorTests
{
    private const string Controllers = "garbage-collector,serviceaccount";

    [Fact]
    public async Task Background_deletes_the_dependents_after_the_owner()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: Controllers);
        var client = cluster.Client;
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "owner" } }, "default", cancellationToken: ct);
        await client.CoreV1.CreateNamespacedConfigMapAsync(Dependent("child", owner, block: false), "default", cancellationToken: ct);
        await client.CoreV1.CreateNamespacedConfigMapAsync(Dependent("unrelated", new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "owner", Uid = Guid.NewGuid().ToString() } }, block: false), "default", cancellationToken: ct);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "bystander" } }, "default", cancellationToken: ct);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", new V1DeleteOptions { PropagationPolicy = "Background" }, cancellationToken: ct);
        await EventuallyAsync(() => IsGoneAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("child", "default", cancellationToken: ct)), ct);
        // A dependent whose owner uid never existed goes too: its owner is absent.
        await EventuallyAsync(() => IsGoneAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("unrelated", "default", cancellationToken: ct)), ct);

        Assert.NotNull(await client.CoreV1.ReadNamespacedConfigMapAsync("bystander", "default", cancellationToken: ct));
    }

    [Fact]
    public async Task Foreground_keeps_the_owner_with_its_finalizer_until_blocking_dependents_are_gone()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: Controllers);
        var client = cluster.Client;
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "owner" } }, "default", cancellationToken: ct);
        var held = Dependent("held", owner, block: true);
        held.Metadata.Finalizers = ["example.com/hold"];
        await client.CoreV1.CreateNamespacedConfigMapAsync(held, "default", cancellationToken: ct);

        var deleting = await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", new V1DeleteOptions { PropagationPolicy = "Foreground" }, cancellationToken: ct);
        var heldTerminating = await EventuallyAsync(async () =>
        {
            var d = await client.CoreV1.ReadNamespacedConfigMapAsync("held", "default", cancellationToken: ct);
            return d.Metadata.DeletionTimestamp is not null ? d : null;
        }, ct);
        var ownerWaiting = await client.CoreV1.ReadNamespacedConfigMapAsync("owner", "default", cancellationToken: ct);
        heldTerminating.Metadata.Finalizers = [];
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(heldTerminating, "held", "default", cancellationToken: ct);
        await EventuallyAsync(() => IsGoneAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("owner", "default", cancellationToken: ct)), ct);

        Assert.NotNull(deleting);
        Assert.Contains("foregroundDeletion", ownerWaiting.Metadata.Finalizers);
        Assert.NotNull(ownerWaiting.Metadata.DeletionTimestamp);
    }

    [Fact]
    public async Task Orphan_strips_the_owner_reference_from_dependents_and_keeps_them()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: Controllers);
        var client = cluster.Client;
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "owner" } }, "default", cancellationToken: ct);
        var other = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "other" } }, "default", cancellationToken: ct);
        var child = Dependent("child", owner, block: true);
        child.Metadata.OwnerReferences.Add(new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "other", Uid = other.Metadata.Uid });
        await client.CoreV1.CreateNamespacedConfigMapAsync(child, "default", cancellationToken: ct);

        await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", new V1DeleteOptions { PropagationPolicy = "Orphan" }, cancellationToken: ct);
        await EventuallyAsync(() => IsGoneAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("owner", "default", cancellationToken: ct)), ct);
        var kept = await client.CoreV1.ReadNamespacedConfigMapAsync("child", "default", cancellationToken: ct);

        Assert.Equal(["other"], kept.Metadata.OwnerReferences.Select(r => r.Name));
    }

    [Fact]
    public async Task Without_the_garbage_collector_a_foreground_delete_leaves_the_owner_terminating()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await StartAsync(ct, controllers: "namespace,serviceaccount");
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "owner" } }, "default", cancellationToken: ct);

        var deleted = await client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", new V1DeleteOptions { PropagationPolicy = "Foreground" }, cancellationToken: ct);
        var stored = await client.CoreV1.ReadNamespacedConfigMapAsync("owner", "default", cancellationToken: ct);

        Assert.NotNull(deleted);
        Assert.Equal(["foregroundDeletion"], stored.Metadata.Finalizers);
        Assert.NotNull(stored.Metadata.DeletionTimestamp);
    }

    private static V1ConfigMap Dependent(string name, V1ConfigMap owner, bool block) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = owner.Metadata.Name, Uid = owner.Metadata.Uid, BlockOwnerDeletion = block }],
        },
    };
}
