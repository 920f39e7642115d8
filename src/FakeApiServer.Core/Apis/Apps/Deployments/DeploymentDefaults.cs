using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps.Deployments;

/// <summary>
/// apps/v1 SetDefaults_Deployment: replicas 1, strategy RollingUpdate with maxUnavailable and maxSurge 25%,
/// revisionHistoryLimit 10, progressDeadlineSeconds 600; the template's pod spec as every pod spec.
/// </summary>
internal static class DeploymentDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        spec["replicas"] ??= 1;
        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
        var strategy = spec.ChildObject("strategy");

        strategy["type"] ??= "RollingUpdate";
        if (strategy.GetString("type") == "RollingUpdate")
        {
            var rollingUpdate = strategy.ChildObject("rollingUpdate");

            rollingUpdate["maxUnavailable"] ??= "25%";
            rollingUpdate["maxSurge"] ??= "25%";
        }

        PodDefaults.ApplyTemplate(spec["template"]);
    });
}
