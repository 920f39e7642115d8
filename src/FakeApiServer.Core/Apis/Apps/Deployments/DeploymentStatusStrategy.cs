using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps.Deployments;

/// <summary>
/// deployments/status (upstream's deploymentStatusStrategy resets only spec and labels): the annotations come from the
/// request too, which is how the deployment controller records deployment.kubernetes.io/revision without bumping the
/// generation (an annotation change through the main resource bumps it).
/// </summary>
internal sealed class DeploymentStatusStrategy(DeploymentStrategy main) : StatusStrategy(main)
{
    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var requested = (JsonObject)newObj.Metadata().DeepClone();
        base.PrepareForUpdate(newObj, oldObj);
        ResourceStrategy.CopyProperty(requested, newObj.Metadata(), "annotations");
    }
}
