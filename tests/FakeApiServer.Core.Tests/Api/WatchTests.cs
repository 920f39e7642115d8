using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Controllers;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Api;

public sealed class WatchTests
{
    [Fact]
    public async Task Watch_without_resourceVersion_starts_with_ADDED_for_existing_objects()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default", cancellationToken: ct);
        var seen = new List<string>();

        await foreach (var (type, cm) in cluster.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", cancellationToken: ct))
        {
            seen.Add(type + " " + cm.Metadata.Name);
            if (seen.Count == 2)
            {
                await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "default", cancellationToken: ct);
            }

            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["Added a", "Added b", "Added c"], seen);
    }

    [Fact]
    public async Task Watch_from_a_resourceVersion_replays_later_changes_only()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("before"), "default", cancellationToken: ct);
        var a = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        a.Data["a"] = "2";
        var modified = await cluster.Client.CoreV1.ReplaceNamespacedConfigMapAsync(a, "a", "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "other-kind" } }, "default", cancellationToken: ct);
        var seen = new List<string>();

        await foreach (var (type, cm) in cluster.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: a.Metadata.ResourceVersion, cancellationToken: ct))
        {
            seen.Add(type + " " + cm.Metadata.Name + " " + cm.Metadata.ResourceVersion);
            if (seen.Count == 2)
            {
                await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("b", "default", cancellationToken: ct);
            }

            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.Equal($"Modified a {modified.Metadata.ResourceVersion}", seen[0]);
        Assert.StartsWith("Added b ", seen[1], StringComparison.Ordinal);
        Assert.StartsWith("Deleted b ", seen[2], StringComparison.Ordinal);
        var addedRv = long.Parse(seen[1].Split(' ')[2], CultureInfo.InvariantCulture);
        var deletedRv = long.Parse(seen[2].Split(' ')[2], CultureInfo.InvariantCulture);
        Assert.True(deletedRv > addedRv + 1, "a DELETED event carries a new resourceVersion");
    }

    [Fact]
    public async Task Selector_watch_sends_ADDED_and_DELETED_when_objects_enter_and_leave()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var start = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x", new Dictionary<string, string> { ["app"] = "db" }), "default", cancellationToken: ct);
        await Relabel(cluster, "x", "web", ct);
        await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"b":"2"}}""", V1Patch.PatchType.MergePatch), "x", "default", cancellationToken: ct);
        await Relabel(cluster, "x", "db", ct);
        await Relabel(cluster, "x", "web", ct);
        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("x", "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("y", new Dictionary<string, string> { ["app"] = "web" }), "default", cancellationToken: ct);
        var seen = new List<string>();

        await foreach (var (type, cm) in cluster.Client.CoreV1.WatchListNamespacedConfigMapAsync(
            "default", labelSelector: "app=web", resourceVersion: start.Metadata.ResourceVersion, cancellationToken: ct))
        {
            seen.Add(type + " " + cm.Metadata.Name + " " + cm.Metadata.Labels["app"]);
            if (seen.Count == 6)
            {
                break;
            }
        }

        Assert.Equal(["Added x web", "Modified x web", "Deleted x db", "Added x web", "Deleted x web", "Added y web"], seen);
    }

    [Fact]
    public async Task Field_selector_watch_follows_metadata_name()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var start = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("other"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("other", "default", cancellationToken: ct);
        await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("x", "default", cancellationToken: ct);
        var seen = new List<string>();

        await foreach (var (type, cm) in cluster.Client.CoreV1.WatchListNamespacedConfigMapAsync(
            "default", fieldSelector: "metadata.name=x", resourceVersion: start.Metadata.ResourceVersion, cancellationToken: ct))
        {
            seen.Add(type + " " + cm.Metadata.Name);
            if (seen.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(["Added x", "Deleted x"], seen);
    }

    [Fact]
    public async Task Send_initial_events_ends_the_initial_state_with_an_annotated_bookmark()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default", cancellationToken: ct);
        var rv = (await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Metadata.ResourceVersion;
        using var http = cluster.Http();
        var events = new List<JsonObject>();

        await foreach (var e in http.WatchAsync(
            "/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan", ct))
        {
            events.Add(e);
            if (events.Count == 3)
            {
                await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "default", cancellationToken: ct);
            }

            if (events.Count == 4)
            {
                break;
            }
        }

        Assert.Equal(["ADDED a", "ADDED b", "BOOKMARK ", "ADDED c"], events.Select(e => e.Type() + " " + e.ObjectName()));
        var bookmark = events[2]["object"]!.AsObject();
        Assert.Equal("ConfigMap", (string?)bookmark["kind"]);
        Assert.Equal("v1", (string?)bookmark["apiVersion"]);
        Assert.Equal(rv, (string?)bookmark["metadata"]?["resourceVersion"]);
        Assert.Equal("true", (string?)bookmark["metadata"]?["annotations"]?["k8s.io/initial-events-end"]);
    }

    [Fact]
    public async Task Send_initial_events_from_a_future_resourceVersion_ends_with_an_ERROR_event()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var rv = long.Parse((await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Metadata.ResourceVersion, CultureInfo.InvariantCulture);
        using var http = cluster.Http();
        var events = new List<JsonObject>();

        await foreach (var e in http.WatchAsync(
            $"/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion={rv + 100}", ct))
        {
            events.Add(e);
        }

        var only = Assert.Single(events);
        Assert.Equal("ERROR", only.Type());
        Assert.Equal("Status", (string?)only["object"]?["kind"]);
        Assert.Equal(504, (int?)only["object"]?["code"]);
        Assert.Equal("Timeout", (string?)only["object"]?["reason"]);
        Assert.Equal($"Too large resource version: {rv + 100}, current: {rv}", (string?)only["object"]?["message"]);
    }

    [Fact]
    public async Task Send_initial_events_without_bookmarks_returns_422()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await http.GetAsync("/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan", ct);

        var status = await response.AssertStatusAsync(HttpStatusCode.UnprocessableEntity, "Invalid", null, ct);
        Assert.Contains("sendInitialEvents requires setting allowWatchBookmarks to true", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeoutSeconds_longer_than_a_timer_can_wait_streams_events()
    {
        // Found by the fuzzer: 10,000,000 s (116 days) passed the cap but not Task.Delay's 49-day limit, a 500.
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        using var http = cluster.Http();
        var events = new List<JsonObject>();

        await foreach (var e in http.WatchAsync("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=10000000", ct))
        {
            events.Add(e);
            break;
        }

        Assert.Equal(["ADDED"], events.Select(e => e.Type()));
    }

    [Fact]
    public async Task Timeout_seconds_closes_the_stream_after_a_final_bookmark()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { TimeProvider = time }, ct);
        var created = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        using var http = cluster.Http();
        var events = new List<JsonObject>();
        await using var watch = http.WatchAsync("/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&timeoutSeconds=1", ct).GetAsyncEnumerator(ct);
        Assert.True(await watch.MoveNextAsync());
        events.Add(watch.Current);

        // The server's clock reaches the deadline: the closing bookmark, then the end of the stream.
        time.Advance(TimeSpan.FromSeconds(1));
        while (await watch.MoveNextAsync())
        {
            events.Add(watch.Current);
        }

        Assert.Equal(["ADDED", "BOOKMARK"], events.Select(e => e.Type()));
        Assert.Equal(created.Metadata.ResourceVersion, (string?)events[1]["object"]?["metadata"]?["resourceVersion"]);
    }

    [Fact]
    public async Task Client_watch_ends_after_the_closing_bookmark_when_timeoutSeconds_passes()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { TimeProvider = time }, ct);
        var rv = (await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Metadata.ResourceVersion;
        var seen = new List<string>();

        // An empty stream is an EndOfStreamException in the client (it peeks the first line), so ask for the closing bookmark.
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, cm) in cluster.Client.CoreV1.WatchListNamespacedConfigMapAsync(
                "default", allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: 1, cancellationToken: ct))
            {
                seen.Add(type + " " + cm.Metadata.ResourceVersion);
            }
        }, ct);

        // The client shows nothing until the stream ends, so move the server's clock a second at a time, with a request
        // between moves so that the server makes progress, until the watch has ended.
        while (!watching.IsCompleted)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        }

        await watching;
        Assert.Equal([$"Bookmark {rv}"], seen);
    }

    [Fact]
    public async Task Watch_from_a_compacted_resourceVersion_surfaces_410_Expired_in_the_client()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { HistoryWindow = 5 }, ct);
        var first = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        for (var i = 0; i < 20; i++)
        {
            await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
                new V1Patch($$$"""{"data":{"n":"{{{i}}}"}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: ct);
        }

        var current = long.Parse((await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Metadata.ResourceVersion, CultureInfo.InvariantCulture);
        var errors = new List<Exception>();
        var events = 0;

        // The list-with-watch=true form is obsolete in the client but still what much existing code calls.
#pragma warning disable CS0618
        await foreach (var _ in cluster.Client.CoreV1
            .ListNamespacedConfigMapWithHttpMessagesAsync("default", resourceVersion: first.Metadata.ResourceVersion, watch: true, cancellationToken: ct)
            .WatchAsync<V1ConfigMap, V1ConfigMapList>(errors.Add, ct))
#pragma warning restore CS0618
        {
            events++;
        }

        await foreach (var _ in cluster.Client.CoreV1.WatchListNamespacedConfigMapAsync(
            "default", resourceVersion: first.Metadata.ResourceVersion, onError: errors.Add, cancellationToken: ct))
        {
            events++;
        }

        Assert.Equal(0, events);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e =>
        {
            var error = Assert.IsType<KubernetesException>(e);
            Assert.Equal(410, error.Status.Code);
            Assert.Equal("Expired", error.Status.Reason);
            Assert.Equal($"too old resource version: {first.Metadata.ResourceVersion} ({current - 5})", error.Status.Message);
        });
    }

    [Fact]
    public async Task Watch_from_a_compacted_resourceVersion_answers_200_then_one_ERROR_event()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { HistoryWindow = 5 }, ct);
        var first = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        for (var i = 0; i < 20; i++)
        {
            await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
                new V1Patch($$$"""{"data":{"n":"{{{i}}}"}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: ct);
        }

        using var http = cluster.Http();
        var events = new List<JsonObject>();
        await foreach (var e in http.WatchAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={first.Metadata.ResourceVersion}", ct))
        {
            events.Add(e);
        }

        var only = Assert.Single(events);
        Assert.Equal("ERROR", only.Type());
        Assert.Equal("Status", (string?)only["object"]?["kind"]);
        Assert.Equal("Expired", (string?)only["object"]?["reason"]);
        Assert.Equal(410, (int?)only["object"]?["code"]);
    }

    [Fact]
    public async Task Watch_within_the_history_window_replays_without_error()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { HistoryWindow = 5 }, ct);
        var start = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default", cancellationToken: ct);
        for (var i = 0; i < 4; i++)
        {
            await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
                new V1Patch($$$"""{"data":{"n":"{{{i}}}"}}""", V1Patch.PatchType.MergePatch), "a", "default", cancellationToken: ct);
        }

        var values = new List<string>();
        await foreach (var (type, cm) in cluster.Client.CoreV1.WatchListNamespacedConfigMapAsync(
            "default", resourceVersion: start.Metadata.ResourceVersion, timeoutSeconds: 1, onError: e => values.Add("error " + e.Message), cancellationToken: ct))
        {
            values.Add(type + " " + cm.Data["n"]);
        }

        Assert.Equal(["Modified 0", "Modified 1", "Modified 2", "Modified 3"], values);
    }

    private static Task<V1ConfigMap> Relabel(FakeCluster cluster, string name, string app, CancellationToken ct) =>
        cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("{\"metadata\":{\"labels\":{\"app\":\"" + app + "\"}}}", V1Patch.PatchType.MergePatch), name, "default", cancellationToken: ct);
}
