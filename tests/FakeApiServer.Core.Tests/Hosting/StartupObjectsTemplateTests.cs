using System.Text.Json.Nodes;
using FakeApiServer.Hosting;
using FakeApiServer.Registry;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.Tests.Hosting;

public sealed class StartupObjectsTemplateTests
{
    private static readonly DateTimeOffset FirstStart = new(2031, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly DateTimeOffset LaterStart = new(2032, 8, 9, 10, 11, 12, TimeSpan.Zero);

    [Fact]
    public async Task A_cluster_started_from_the_template_stores_what_a_normal_start_stores_with_its_own_uids_and_time()
    {
        using var timeout = new CancellationTokenSource(Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        var templates = new StartupObjectsTemplates();
        Dictionary<string, JsonObject> first;
        await using (var capturing = await FakeCluster.StartAsync(new FakeClusterOptions { TimeProvider = new StoppedWallClock(FirstStart) }, templates, ct))
        {
            first = await ObjectsAsync(capturing, ct);
        }

        Assert.Equal(1, templates.Count);
        await using var templated = await FakeCluster.StartAsync(new FakeClusterOptions { TimeProvider = new StoppedWallClock(LaterStart) }, templates, ct);
        await using var normal = await FakeCluster.StartAsync(new FakeClusterOptions { TimeProvider = new StoppedWallClock(LaterStart) }, templates: null, ct);
        var copied = await ObjectsAsync(templated, ct);
        var created = await ObjectsAsync(normal, ct);

        // Every object, its fields, labels, annotations and managedFields (with their times) as the normal path stores them.
        Assert.Equal(created.Keys.Order(StringComparer.Ordinal), copied.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("/core/serviceaccounts/kube-system/default", copied.Keys);
        Assert.Contains("/core/services/default/kubernetes", copied.Keys);
        foreach (var (key, obj) in created)
        {
            Assert.Equal(Comparable(obj), Comparable(copied[key]));
        }

        // Only the uids and resourceVersions differ, and the uids are new to each cluster; the time is the new cluster's clock's.
        var uids = copied.Values.Select(o => o.Metadata().GetString("uid")).ToList();
        Assert.Equal(uids.Count, uids.Distinct().Count());
        Assert.Empty(uids.Intersect(first.Values.Select(o => o.Metadata().GetString("uid"))));
        Assert.Empty(uids.Intersect(created.Values.Select(o => o.Metadata().GetString("uid"))));
        Assert.All(copied.Values, o => Assert.Equal("2032-08-09T10:11:12Z", o.Metadata().GetString("creationTimestamp")));
        Assert.Equal("2031-03-04T05:06:07Z", first["/core/namespaces/default"].Metadata().GetString("creationTimestamp"));

        // Each object's resourceVersion is the revision of its own create, in the normal path's order of creation.
        var versions = copied.Values.Select(o => long.Parse(o.Metadata().GetString("resourceVersion")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.True(Version(copied, "/core/namespaces/kube-system") < Version(copied, "/core/services/default/kubernetes"));
        Assert.True(Version(copied, "/core/services/default/kubernetes") < Version(copied, "/core/serviceaccounts/default/default"));
    }

    [Fact]
    public async Task The_serviceaccount_controller_leaves_the_copied_accounts_alone_and_still_gives_new_namespaces_theirs()
    {
        using var timeout = new CancellationTokenSource(Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        var templates = new StartupObjectsTemplates();
        await using (await FakeCluster.StartAsync(new FakeClusterOptions(), templates, ct))
        {
        }

        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions(), templates, ct);
        var before = await cluster.Client.CoreV1.ReadNamespacedServiceAccountAsync("default", "kube-system", cancellationToken: ct);

        await cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } }, cancellationToken: ct);
        await cluster.WaitForAsync<V1ServiceAccount>("team-a", "default", _ => true, FakeCluster.DefaultWaitTimeout, ct);

        var after = await cluster.Client.CoreV1.ReadNamespacedServiceAccountAsync("default", "kube-system", cancellationToken: ct);
        Assert.Equal((before.Metadata.Uid, before.Metadata.ResourceVersion), (after.Metadata.Uid, after.Metadata.ResourceVersion));
        var accounts = await cluster.Client.CoreV1.ListServiceAccountForAllNamespacesAsync(cancellationToken: ct);
        Assert.Equal(
            ["default/default", "kube-node-lease/default", "kube-public/default", "kube-system/default", "team-a/default"],
            accounts.Items.Select(a => a.Metadata.NamespaceProperty + "/" + a.Metadata.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Each_set_of_options_has_its_own_template()
    {
        using var timeout = new CancellationTokenSource(Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        var templates = new StartupObjectsTemplates();
        var alpha = new FakeClusterOptions { RuntimeConfig = new Dictionary<string, bool> { ["api/alpha"] = true } };
        await using (await FakeCluster.StartAsync(new FakeClusterOptions(), templates, ct))
        {
        }

        await using (await FakeCluster.StartAsync(alpha, templates, ct))
        {
        }

        Assert.Equal(2, templates.Count);
        await using var withAlpha = await FakeCluster.StartAsync(alpha, templates, ct);
        await using var withoutAlpha = await FakeCluster.StartAsync(new FakeClusterOptions(), templates, ct);
        static bool AlphaApiService(string key) => key.EndsWith("/v1alpha1.networking.k8s.io", StringComparison.Ordinal);
        Assert.Contains((await ObjectsAsync(withAlpha, ct)).Keys, AlphaApiService);
        Assert.DoesNotContain((await ObjectsAsync(withoutAlpha, ct)).Keys, AlphaApiService);
    }

    private static long Version(Dictionary<string, JsonObject> objects, string key) =>
        long.Parse(objects[key].Metadata().GetString("resourceVersion")!, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<Dictionary<string, JsonObject>> ObjectsAsync(FakeCluster cluster, CancellationToken ct)
    {
        var snapshot = await cluster.SnapshotAsync(ct);
        return snapshot.State.Range("").ToDictionary(o => o.Key, o => ObjectJson.Parse(o.Value), StringComparer.Ordinal);
    }

    /// <summary>The stored object without the two values that differ between any two clusters, as JSON text (its field order kept).</summary>
    private static string Comparable(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Metadata().Remove("uid");
        copy.Metadata().Remove("resourceVersion");
        return copy.ToJsonString();
    }

    /// <summary>A wall clock that stands still (timers and timestamps run as the system's): every start-up object gets the same time.</summary>
    private sealed class StoppedWallClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
