using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Hosting.StorageBackends;
using FakeApiServer.Testing;
using FakeApiServer.Testing.Etcd;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit.Abstractions;

namespace FakeApiServer.EndToEnd.Tests.Etcd;

/// <summary>
/// Two replicas on a real 3-member etcd cluster: a member killed with SIGKILL mid-run costs only the calls in flight to
/// it or sent while the survivors elect a leader (when it led); writes go on, and a watch through the other replica sees
/// every acknowledged write exactly once.
/// </summary>
public sealed class EtcdMemberFailureTests(ITestOutputHelper output)
{
    private const int WritesBefore = 20;
    private const int WritesAfter = 20;

    /// <summary>A bound on create calls, so a backend that stops taking writes fails the test rather than spinning.</summary>
    private const int MaxAttempts = 200;

    [Fact]
    public async Task Writes_go_on_and_watches_miss_nothing_when_an_etcd_member_is_killed()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = cts.Token;
        await using var etcd = await EtcdCluster.StartAsync(3, ct);
        var options = new FakeClusterOptions
        {
            Storage = new StorageBackendOptions { Backend = StorageBackendOptions.Etcd3, EtcdServers = etcd.ClientUrls, EtcdCompactionInterval = TimeSpan.Zero },
        };
        await using var a = await FakeCluster.StartAsync(options, ct);
        await using var b = await FakeCluster.StartAsync(options, ct);
        var listed = await b.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        var watched = new Dictionary<string, string>();
        var watchDone = new TaskCompletionSource();
        var expected = new Dictionary<string, string>();
        var finished = new System.Runtime.CompilerServices.StrongBox<bool>();
        var watch = WatchAsync(b, listed.Metadata.ResourceVersion, watched, expected, finished, watchDone, ct);

        var acknowledged = 0;
        var failed = 0;
        var attempts = 0;
        for (var i = 0; acknowledged < WritesBefore + WritesAfter; i++)
        {
            if (i == WritesBefore)
            {
                Assert.Equal(WritesBefore, acknowledged);
                await etcd.KillAsync(0, ct);
            }

            Assert.True(++attempts <= MaxAttempts, $"{acknowledged} writes acknowledged in {MaxAttempts} attempts; the writes did not go on after the kill");
            var name = "w" + i;
            try
            {
                var created = await a.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, "default", cancellationToken: ct);
                lock (expected)
                {
                    expected[name] = created.Metadata.ResourceVersion;
                }

                acknowledged++;
            }
            catch (HttpOperationException e) when (i >= WritesBefore && e.Response.StatusCode >= HttpStatusCode.InternalServerError)
            {
                // A call in flight to the killed member, or sent while the survivors elect a new leader (etcd answers
                // "request timed out" or "leader changed"): not acknowledged, so the client retries with the next write.
                failed++;
                output.WriteLine($"write {i} not acknowledged: {(int)e.Response.StatusCode} {e.Response.Content}");
            }
        }

        lock (expected)
        {
            finished.Value = true;
            if (expected.All(x => watched.ContainsKey(x.Key)))
            {
                watchDone.TrySetResult();
            }
        }

        await watchDone.Task.WaitAsync(ct);
        var found = (await a.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Items
            .Count(c => expected.TryGetValue(c.Metadata.Name, out var rv) && rv == c.Metadata.ResourceVersion);
        var lost = expected.Count(e => !watched.TryGetValue(e.Key, out var rv) || rv != e.Value);
        output.WriteLine($"writes acknowledged {acknowledged}, not acknowledged (in flight to the killed member or sent during the election) {failed}, found {found}, watch events {watched.Count}, lost {lost}");
        Assert.Equal(acknowledged, found);
        Assert.Equal(0, lost);
        await cts.CancelAsync();
        await Task.WhenAny(watch);
    }

    /// <summary>Records every ADDED config map of the watch through <paramref name="replica"/>; completes <paramref name="done"/> once the writes finished and it saw every acknowledged one.</summary>
    private static async Task WatchAsync(
        FakeCluster replica, string resourceVersion, Dictionary<string, string> watched, Dictionary<string, string> expected, System.Runtime.CompilerServices.StrongBox<bool> finished,
        TaskCompletionSource done, CancellationToken ct)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = replica.BaseAddress };
            using var response = await http.GetAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={resourceVersion}", HttpCompletionOption.ResponseHeadersRead, ct);
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var e = JsonNode.Parse(line)!;
                if ((string?)e["type"] != "ADDED")
                {
                    continue;
                }

                var name = (string)e["object"]!["metadata"]!["name"]!;
                lock (expected)
                {
                    watched[name] = (string)e["object"]!["metadata"]!["resourceVersion"]!;
                    if (finished.Value && expected.All(x => watched.ContainsKey(x.Key)))
                    {
                        done.TrySetResult();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }
}
