using FakeApiServer.Controllers.LeaderElection;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Hosting.StorageBackends;

/// <summary>Replicas on one etcd elect one leader for their controllers with a coordination.k8s.io Lease, as kube-controller-manager does.</summary>
public sealed class LeaderElectionTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>
{
    [Fact]
    public async Task The_controllers_run_on_the_replica_holding_the_lease_and_move_when_it_stops()
    {
        using var cts = new CancellationTokenSource(EtcdFixture.TestTimeout);
        var ct = cts.Token;
        var prefix = "/test-" + Guid.NewGuid().ToString("N")[..8];
        var election = new LeaderElectionOptions { LeaseDuration = TimeSpan.FromSeconds(3), RenewDeadline = TimeSpan.FromSeconds(2), RetryPeriod = TimeSpan.FromMilliseconds(200) };
        var options = etcd.Options(prefix) with { LeaderElection = election };
        var a = await FakeCluster.StartAsync(options, ct);
        await using var b = await FakeCluster.StartAsync(options, ct);
        try
        {
            // The first replica is the only candidate until the second starts: it holds the Lease.
            var first = await HolderAsync(b, holder => holder.Length > 0, ct);
            await CreateNamespaceAndAwaitItsServiceAccountAsync(b, "before", ct);

            // A clean stop releases the Lease: the other replica takes it and its controllers serve new namespaces.
            await a.DisposeAsync();
            var second = await HolderAsync(b, holder => holder.Length > 0 && holder != first, ct);
            Assert.NotEqual(first, second);
            await CreateNamespaceAndAwaitItsServiceAccountAsync(b, "after", ct);
            var lease = await b.Client.CoordinationV1.ReadNamespacedLeaseAsync(LeaderElectedControllers.ControllerManagerLease, "kube-system", cancellationToken: ct);
            Assert.Equal(1, lease.Spec.LeaseTransitions);
            Assert.Equal(3, lease.Spec.LeaseDurationSeconds);
        }
        finally
        {
            await a.DisposeAsync();
        }
    }

    /// <summary>Watches the controller manager's Lease until its holder satisfies <paramref name="wanted"/>.</summary>
    private static async Task<string> HolderAsync(FakeCluster cluster, Func<string, bool> wanted, CancellationToken ct)
    {
        using var http = cluster.Http();
        var url = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?watch=true&fieldSelector=metadata.name%3D" + LeaderElectedControllers.ControllerManagerLease;
        await foreach (var e in http.WatchAsync(url, ct))
        {
            if ((string?)e["object"]?["spec"]?["holderIdentity"] is { } holder && wanted(holder))
            {
                return holder;
            }
        }

        throw new InvalidOperationException("the watch of the Lease ended");
    }

    private static async Task CreateNamespaceAndAwaitItsServiceAccountAsync(FakeCluster cluster, string name, CancellationToken ct)
    {
        var created = await cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken: ct);
        using var http = cluster.Http();
        await foreach (var e in http.WatchAsync($"/api/v1/namespaces/{name}/serviceaccounts?watch=true&resourceVersion={created.Metadata.ResourceVersion}", ct))
        {
            if (e.Type() == "ADDED" && e.ObjectName() == "default")
            {
                return;
            }
        }
    }
}
