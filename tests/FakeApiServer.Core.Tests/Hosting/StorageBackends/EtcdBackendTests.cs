using System.Globalization;
using System.Net;
using FakeApiServer.Storage.Etcd;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Controllers.Runtime;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Hosting.StorageBackends;

/// <summary>--storage-backend=etcd3 against a real etcd: kube-apiserver's semantics, seen through the API and etcdctl.</summary>
public sealed class EtcdBackendTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>
{
    private static string Prefix() => "/test-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task An_object_is_an_etcd_key_whose_mod_revision_is_its_resourceVersion_and_writes_are_conditioned_on_it()
    {
        using var cts = new CancellationTokenSource(EtcdFixture.TestTimeout);
        var ct = cts.Token;
        var prefix = Prefix();
        await using var cluster = await FakeCluster.StartAsync(etcd.Options(prefix), ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);

        var (key, value, modRevision) = Assert.Single(await etcd.GetAsync(prefix + "/configmaps/default/a", ct));
        Assert.Equal(prefix + "/configmaps/default/a", key);
        Assert.Equal(created.Metadata.ResourceVersion, modRevision.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("ConfigMap", (string?)value["kind"]);
        Assert.Null(value["metadata"]!["resourceVersion"]);

        // An update from the revision read wins once; the same revision again is a conflict.
        created.Data = new Dictionary<string, string> { ["k"] = "v1" };
        var updated = await cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default", cancellationToken: ct);
        Assert.True(long.Parse(updated.Metadata.ResourceVersion, CultureInfo.InvariantCulture) > modRevision);
        created.Data = new Dictionary<string, string> { ["k"] = "v2" };
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);

        // A create of an existing name is AlreadyExists; a delete with a stale precondition is a conflict.
        var exists = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Conflict, exists.Response.StatusCode);
        Assert.Contains("AlreadyExists", exists.Response.Content, StringComparison.Ordinal);
        var stale = new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = created.Metadata.ResourceVersion } };
        var staleDelete = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default", stale, cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Conflict, staleDelete.Response.StatusCode);
        var current = new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = updated.Metadata.ResourceVersion } };
        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default", current, cancellationToken: ct);
        Assert.Empty(await etcd.GetAsync(prefix + "/configmaps/default/a", ct));
    }

    [Fact]
    public async Task A_write_through_one_replica_is_read_and_watched_through_another()
    {
        using var cts = new CancellationTokenSource(EtcdFixture.TestTimeout);
        var ct = cts.Token;
        var prefix = Prefix();
        await using var a = await FakeCluster.StartAsync(etcd.Options(prefix), ct);
        await using var b = await FakeCluster.StartAsync(etcd.Options(prefix), ct);
        var listed = await b.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        using var http = b.Http();
        await using var watch = http.WatchAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={listed.Metadata.ResourceVersion}", ct).GetAsyncEnumerator(ct);
        var watching = watch.MoveNextAsync();

        var created = await a.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("shared"), "default", cancellationToken: ct);

        // A read at resourceVersion "" on the other replica is consistent: it already sees the write.
        var read = await b.Client.CoreV1.ReadNamespacedConfigMapAsync("shared", "default", cancellationToken: ct);
        Assert.Equal(created.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
        Assert.True(await watching);
        Assert.Equal("ADDED", watch.Current.Type());
        Assert.Equal("shared", watch.Current.ObjectName());
        Assert.Equal(created.Metadata.ResourceVersion, (string?)watch.Current["object"]!["metadata"]!["resourceVersion"]);

        // An update through B from A's revision, then a delete through A: B's watch sees both, in order.
        read.Data = new Dictionary<string, string> { ["from"] = "b" };
        var updated = await b.Client.CoreV1.ReplaceNamespacedConfigMapAsync(read, "shared", "default", cancellationToken: ct);
        await a.Client.CoreV1.DeleteNamespacedConfigMapAsync("shared", "default", cancellationToken: ct);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal("MODIFIED", watch.Current.Type());
        Assert.Equal(updated.Metadata.ResourceVersion, (string?)watch.Current["object"]!["metadata"]!["resourceVersion"]);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal("DELETED", watch.Current.Type());
        Assert.Equal("b", (string?)watch.Current["object"]!["data"]!["from"]);
        await Assert.ThrowsAsync<HttpOperationException>(() => b.Client.CoreV1.ReadNamespacedConfigMapAsync("shared", "default", cancellationToken: ct));
    }

    [Fact]
    public async Task A_watch_from_a_revision_etcd_compacted_is_answered_410_Expired()
    {
        using var cts = new CancellationTokenSource(EtcdFixture.TestTimeout);
        var ct = cts.Token;
        var time = new ManualTime();
        var interval = TimeSpan.FromMinutes(5);
        await using var cluster = await FakeCluster.StartAsync(etcd.Options(Prefix(), interval) with { TimeProvider = time }, ct);
        var store = Assert.IsType<EtcdRevisionedStore>(cluster.Store);
        var old = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("old"), "default", cancellationToken: ct);

        // The first round notes the revision; the next compacts etcd to it, as kube-apiserver's compactor does.
        var round = store.NextCompactorRound;
        time.Advance(interval);
        await round;
        var kept = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("kept"), "default", cancellationToken: ct);
        round = store.NextCompactorRound;
        time.Advance(interval);
        await round;
        Assert.True(store.CompactedRevision >= long.Parse(old.Metadata.ResourceVersion, CultureInfo.InvariantCulture));

        using var http = cluster.Http();
        await foreach (var e in http.WatchAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={old.Metadata.ResourceVersion}", ct))
        {
            Assert.Equal("ERROR", e.Type());
            Assert.Equal(410, (int?)e["object"]!["code"]);
            Assert.Equal("Expired", (string?)e["object"]!["reason"]);
            break;
        }

        // etcd itself refuses the compacted revision.
        var compacted = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () =>
        {
            using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(etcd.Etcd.ClientUrls[0]);
            await new Etcdserverpb.KV.KVClient(channel).RangeAsync(
                new Etcdserverpb.RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("/"), Revision = long.Parse(old.Metadata.ResourceVersion, CultureInfo.InvariantCulture) }, cancellationToken: ct);
        });
        Assert.Contains("compacted", compacted.Status.Detail, StringComparison.Ordinal);

        // A watch from a revision after the compaction still works.
        await using var live = http.WatchAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={kept.Metadata.ResourceVersion}", ct).GetAsyncEnumerator(ct);
        var next = live.MoveNextAsync();
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("after"), "default", cancellationToken: ct);
        Assert.True(await next);
        Assert.Equal("after", live.Current.ObjectName());
    }
}
