namespace FakeApiServer.Controllers.ReplicaSets;

/// <summary>
/// The kind a <see cref="ReplicaSetController"/> keeps replicas of: ReplicaSet, or ReplicationController, which upstream
/// runs as the same controller over a converted object (pkg/controller/replication); it only ever reads the two kinds'
/// common fields (spec.replicas, spec.template, spec.minReadySeconds, the status counters).
/// </summary>
/// <param name="Group">The API group ("" for the core group).</param>
/// <param name="Plural">The resource.</param>
/// <param name="ApiVersion">The apiVersion of the owner references to it.</param>
/// <param name="Kind">The kind.</param>
/// <param name="ControllerName">kube-controller-manager's --controllers name.</param>
/// <param name="Component">The reporting component of its events.</param>
internal sealed record ReplicatedKind(string Group, string Plural, string ApiVersion, string Kind, string ControllerName, string Component)
{
    public static readonly ReplicatedKind ReplicaSet = new("apps", "replicasets", "apps/v1", "ReplicaSet", "replicaset", "replicaset-controller");

    public static readonly ReplicatedKind ReplicationController = new("", "replicationcontrollers", "v1", "ReplicationController", "replicationcontroller", "replication-controller");
}
