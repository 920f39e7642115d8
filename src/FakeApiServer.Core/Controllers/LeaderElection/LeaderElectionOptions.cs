namespace FakeApiServer.Controllers.LeaderElection;

/// <summary>
/// kube-controller-manager's and kube-scheduler's leader election (--leader-elect and its timings, client-go's defaults):
/// with several replicas on one etcd, each group of controllers runs on the one replica that holds its Lease.
/// </summary>
public sealed record LeaderElectionOptions
{
    /// <summary>--leader-elect: null means on with --storage-backend=etcd3 (several replicas), off with SQLite (one process).</summary>
    public bool? Enabled { get; init; }

    /// <summary>--leader-elect-lease-duration: how long a leader's claim holds without renewal.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>--leader-elect-renew-deadline: how long a leader keeps trying to renew before it gives up leading.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>--leader-elect-retry-period: how often candidates try to acquire and leaders renew.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>--leader-elect-resource-namespace: where the Leases live.</summary>
    public string Namespace { get; init; } = "kube-system";
}
