using FakeApiServer.Api.Subresources;
using FakeApiServer.Apis.Apps.ControllerRevisions;
using FakeApiServer.Apis.Apps.DaemonSets;
using FakeApiServer.Apis.Apps.Deployments;
using FakeApiServer.Apis.Apps.ReplicaSets;
using FakeApiServer.Apis.Apps.StatefulSets;
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
            Subresources = new Dictionary<string, SubresourceHandler>
            {
                ["scale"] = Subresource.Scale(new ScaleSubresource(".spec.replicas", ".status.replicas", ".status.selector")),
                ["status"] = Subresource.Status(new DeploymentStatusStrategy(deployments)),
            },
            Table = new DeploymentTable(),
        };

        var replicaSets = new ReplicaSetStrategy();
        yield return new ResourceDefinition("apps", "v1", "ReplicaSet", "replicasets", Namespaced: true)
        {
            ShortNames = ["rs"],
            Categories = ["all"],
            Strategy = replicaSets,
            Defaulter = ReplicaSetDefaults.Instance,
            Subresources = new Dictionary<string, SubresourceHandler>
            {
                ["scale"] = Subresource.Scale(new ScaleSubresource(".spec.replicas", ".status.replicas", ".status.selector")),
                ["status"] = Subresource.Status(new StatusStrategy(replicaSets)),
            },
            Table = new ReplicaSetTable(),
            FieldSelectors = CoreGroup.Fields(("status.replicas", o => o.FieldString("status.replicas") ?? "0")),
        };

        yield return new ResourceDefinition("apps", "v1", "ControllerRevision", "controllerrevisions", Namespaced: true)
        {
            Strategy = new ControllerRevisionStrategy(),
            Table = ControllerRevisionTable.Instance,
        };

        var daemonSets = new DaemonSetStrategy();
        yield return new ResourceDefinition("apps", "v1", "DaemonSet", "daemonsets", Namespaced: true)
        {
            ShortNames = ["ds"],
            Categories = ["all"],
            Strategy = daemonSets,
            Defaulter = DaemonSetDefaults.Instance,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(daemonSets)) },
            Table = DaemonSetTable.Instance,
        };

        var statefulSets = new StatefulSetStrategy();
        yield return new ResourceDefinition("apps", "v1", "StatefulSet", "statefulsets", Namespaced: true)
        {
            ShortNames = ["sts"],
            Categories = ["all"],
            Strategy = statefulSets,
            Defaulter = StatefulSetDefaults.Instance,
            Subresources = new Dictionary<string, SubresourceHandler>
            {
                ["scale"] = Subresource.Scale(new ScaleSubresource(".spec.replicas", ".status.replicas", null)),
                ["status"] = Subresource.Status(new StatusStrategy(statefulSets)),
            },
            Table = StatefulSetTable.Instance,
        };
    }
}
