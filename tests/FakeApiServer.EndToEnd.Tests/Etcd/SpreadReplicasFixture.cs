namespace FakeApiServer.EndToEnd.Tests.Etcd;

/// <summary>
/// One 3-member etcd and three replica processes for a test class, with the controllers spread by leader election:
/// replica-0 runs only the scheduler (so it campaigns only for the kube-scheduler Lease), replica-1 every controller but
/// the scheduler (kube-controller-manager), replica-2 all of them and stands by for both Leases. Each replica waits to
/// lead before the next starts, so the spread is known. Multi-network is on, as the shipped configuration has it.
/// </summary>
public sealed class SpreadReplicasFixture : IAsyncLifetime
{
    private static readonly string[] MultiNetwork = ["--feature-gates=MultiNetwork=true", "--runtime-config=api/alpha=true"];

    private ReplicaCluster? _cluster;

    /// <summary>The etcd cluster and the replicas.</summary>
    public ReplicaCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    /// <summary>The identity holding the kube-scheduler Lease (replica-0).</summary>
    public string SchedulerLeader { get; private set; } = "";

    /// <summary>The identity holding the kube-controller-manager Lease (replica-1).</summary>
    public string ControllerManagerLeader { get; private set; } = "";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        _cluster = await ReplicaCluster.StartAsync(3, [[.. MultiNetwork, "--controllers=scheduler"], [.. MultiNetwork, "--controllers=*,-scheduler"], MultiNetwork], cts.Token,
            async replica =>
            {
                switch (replica.Name)
                {
                    case "replica-0":
                        SchedulerLeader = await replica.LeadershipAsync(LeaseNames.Scheduler, cts.Token);
                        break;
                    case "replica-1":
                        ControllerManagerLeader = await replica.LeadershipAsync(LeaseNames.ControllerManager, cts.Token);
                        break;
                }
            });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
