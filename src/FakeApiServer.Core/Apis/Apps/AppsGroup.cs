using FakeApiServer.Apis.Apps.Deployments;
using FakeApiServer.Apis.Apps.ReplicaSets;
using FakeApiServer.Apis.Core;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps;

/// <summary>apps/v1.</summary>
internal static class AppsGroup
{
    public static IEnumerable<ResourceDefinition> Resources()
    {
        var deployments = new DeploymentStrategy();
        yield return new ResourceDefinition("apps", "v1", "Deployment", "deployments", Namespaced: true)
        {
            ShortNames = ["deploy"],
            Categories = ["all"],
            Strategy = deployments,
            Defaulter = DeploymentDefaults.Instance,
            StatusStrategy = new StatusStrategy(deployments),
            Table = new DeploymentTable(),
            Scale = new ScaleSubresource(".spec.replicas", ".status.replicas", ".status.selector"),
        };

        var replicaSets = new ReplicaSetStrategy();
        yield return new ResourceDefinition("apps", "v1", "ReplicaSet", "replicasets", Namespaced: true)
        {
            ShortNames = ["rs"],
            Categories = ["all"],
            Strategy = replicaSets,
            Defaulter = ReplicaSetDefaults.Instance,
            StatusStrategy = new StatusStrategy(replicaSets),
            Table = new ReplicaSetTable(),
            Scale = new ScaleSubresource(".spec.replicas", ".status.replicas", ".status.selector"),
            FieldSelectors = CoreGroup.Fields(("status.replicas", o => o.FieldString("status.replicas") ?? "0")),
        };
    }
}
