using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using Xunit.Abstractions;

namespace FakeApiServer.EndToEnd.Tests.Etcd;

/// <summary>
/// Three replica processes on a 3-member etcd: the replica that leads the controllers is killed with SIGKILL while
/// writes go on and two watch clients read through it. Another replica takes both Leases over and its controllers
/// work (a Deployment gets running pods); every acknowledged write is still there; the watch clients re-watch another
/// replica from their last resourceVersion and see every write exactly once, in order.
/// </summary>
public sealed class ReplicaFailoverTests(ITestOutputHelper output)
{
    private const int WritesBefore = 20;
    private const int WritesAfter = 20;
    private const string Sentinel = "end";

    [Fact]
    public async Task Killing_the_leader_replica_moves_its_controllers_and_its_watch_clients_lose_nothing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        string? leaderIdentity = null;
        await using var cluster = await ReplicaCluster.StartAsync(3, [[], [], []], ct, async replica =>
        {
            // The first replica leads both groups before the others start, so the leader is known.
            if (replica.Name == "replica-0")
            {
                leaderIdentity = await replica.LeadershipAsync(LeaseNames.ControllerManager, ct);
                await replica.LeadershipAsync(LeaseNames.Scheduler, ct);
            }
        });
        var (leader, writer, other) = (cluster.Replicas[0], cluster.Replicas[1], cluster.Replicas[2]);
        using var leaderClient = leader.Client();
        using var writerClient = writer.Client();
        Assert.Equal(leaderIdentity, (await writerClient.CoordinationV1.ReadNamespacedLeaseAsync(LeaseNames.ControllerManager, "kube-system", cancellationToken: ct)).Spec.HolderIdentity);

        var listed = await leaderClient.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        var watchers = new[] { (writer, new FailoverWatch()), (other, new FailoverWatch()) }
            .Select(w => (w.Item2, Run: w.Item2.RunAsync(leader.BaseAddress, w.Item1.BaseAddress, listed.Metadata.ResourceVersion, ct))).ToList();

        var acknowledged = new List<(string Name, string ResourceVersion)>();
        var throughLeader = 0;
        var kill = Stopwatch.StartNew();
        for (var i = 0; i < WritesBefore + WritesAfter; i++)
        {
            if (i == WritesBefore)
            {
                await leader.KillAsync();
                kill.Restart();
            }

            // Before the kill every other write goes through the leader: those must survive its death too.
            var through = i < WritesBefore && i % 2 == 0 ? leaderClient : writerClient;
            throughLeader += through == leaderClient ? 1 : 0;
            var created = await through.CoreV1.CreateNamespacedConfigMapAsync(E2E.ConfigMap("w-" + i), "default", cancellationToken: ct);
            acknowledged.Add((created.Metadata.Name, created.Metadata.ResourceVersion));
        }

        var end = await writerClient.CoreV1.CreateNamespacedConfigMapAsync(E2E.ConfigMap(Sentinel), "default", cancellationToken: ct);
        acknowledged.Add((Sentinel, end.Metadata.ResourceVersion));

        // The Lease moves: one of the two survivors logs that it leads, and the Lease names it.
        var newLeader = await Task.WhenAny(writer.LeadershipAsync(LeaseNames.ControllerManager, ct), other.LeadershipAsync(LeaseNames.ControllerManager, ct)).Unwrap();
        var moved = kill.Elapsed;
        var schedulerLeader = await Task.WhenAny(writer.LeadershipAsync(LeaseNames.Scheduler, ct), other.LeadershipAsync(LeaseNames.Scheduler, ct)).Unwrap();
        var lease = await writerClient.CoordinationV1.ReadNamespacedLeaseAsync(LeaseNames.ControllerManager, "kube-system", cancellationToken: ct);

        // Its controllers work: a Deployment created now gets a ReplicaSet and scheduled, running pods.
        await writerClient.AppsV1.CreateNamespacedDeploymentAsync(E2E.Deployment("after-failover", 2), "default", cancellationToken: ct);
        var pods = await CollectionWatch.UntilAsync(other.BaseAddress, "api/v1/namespaces/default/pods?labelSelector=app%3Dafter-failover",
            objects => objects.Count == 2 && objects.All(p => (string?)p["status"]?["phase"] == "Running"), ct);
        var replicaSets = await writerClient.AppsV1.ListNamespacedReplicaSetAsync("default", labelSelector: "app=after-failover", cancellationToken: ct);

        foreach (var (watch, run) in watchers)
        {
            await run;
        }

        var found = (await writerClient.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct)).Items
            .Count(c => acknowledged.Contains((c.Metadata.Name, c.Metadata.ResourceVersion)));
        output.WriteLine($"writes acknowledged {acknowledged.Count} ({throughLeader} through the leader before its kill), found {found}, lost {acknowledged.Count - found}");
        output.WriteLine($"lease {LeaseNames.ControllerManager} moved after {moved.TotalSeconds:0.0} s (lease duration 6 s) from {leaderIdentity} to {lease.Spec.HolderIdentity}; a Deployment then got {replicaSets.Items.Count} ReplicaSet and {pods.Count} running pods");
        foreach (var (watch, _) in watchers)
        {
            var lost = acknowledged.Count(a => !watch.Events.Contains(a));
            output.WriteLine($"watch client: events before the kill {watch.EventsBeforeBreak}, resumed from resourceVersion {watch.ResumedFrom} on another replica: {watch.Events.Count - watch.EventsBeforeBreak} events, lost {lost}, duplicates {watch.Events.Count - watch.Events.Distinct().Count()}");
        }

        Assert.Equal(WritesBefore + WritesAfter + 1, acknowledged.Count);
        Assert.Equal(acknowledged.Count, found);
        Assert.Equal(lease.Spec.HolderIdentity, newLeader);
        Assert.NotEqual(leaderIdentity, newLeader);
        Assert.NotEqual(leaderIdentity, schedulerLeader);
        Assert.Single(replicaSets.Items);
        Assert.All(pods, p => Assert.False(string.IsNullOrEmpty((string?)p["spec"]?["nodeName"])));
        foreach (var (watch, _) in watchers)
        {
            // Every acknowledged write exactly once, in the order written; the stream did break and was resumed elsewhere.
            Assert.Equal(acknowledged, watch.Events);
            Assert.NotNull(watch.ResumedFrom);
        }
    }

    /// <summary>
    /// A client watching config maps through one replica; when that stream breaks it re-watches the next replica from
    /// the last resourceVersion it saw, as a client with a kubeconfig listing every replica would. Stops at the sentinel.
    /// </summary>
    private sealed class FailoverWatch
    {
        public List<(string Name, string ResourceVersion)> Events { get; } = [];

        public int EventsBeforeBreak { get; private set; }

        public string? ResumedFrom { get; private set; }

        public async Task RunAsync(Uri first, Uri then, string resourceVersion, CancellationToken cancellationToken)
        {
            var server = first;
            while (true)
            {
                try
                {
                    using var http = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
                    using var response = await http.GetAsync($"api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion={resourceVersion}",
                        HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                    response.EnsureSuccessStatusCode();
                    await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                    using var reader = new StreamReader(stream);
                    while (await reader.ReadLineAsync(cancellationToken) is { } line)
                    {
                        var e = JsonNode.Parse(line)!;
                        var metadata = e["object"]!["metadata"]!;
                        resourceVersion = (string)metadata["resourceVersion"]!;
                        var name = (string)metadata["name"]!;
                        if ((string)e["type"]! == "ADDED" && (name.StartsWith("w-", StringComparison.Ordinal) || name == Sentinel))
                        {
                            Events.Add((name, resourceVersion));
                            if (name == Sentinel)
                            {
                                return;
                            }
                        }
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException && server == first)
                {
                    // The replica died under the stream (or refuses connections): carry on below.
                }

                if (server == first)
                {
                    EventsBeforeBreak = Events.Count;
                    ResumedFrom = resourceVersion;
                    server = then;
                }
            }
        }
    }
}
