namespace FakeApiServer.EndToEnd.Tests.Etcd;

/// <summary>The two Leases the replicas elect their controllers' leaders on, as kube-controller-manager and kube-scheduler name theirs.</summary>
internal static class LeaseNames
{
    public const string ControllerManager = "kube-controller-manager";

    public const string Scheduler = "kube-scheduler";
}
