using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps.DaemonSets;

/// <summary>
/// apps/v1 SetDefaults_DaemonSet: updateStrategy RollingUpdate with maxUnavailable 1 and maxSurge 0,
/// revisionHistoryLimit 10; the template's pod spec as every pod spec.
/// </summary>
internal static class DaemonSetDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        var strategy = spec.ChildObject("updateStrategy");

        strategy["type"] ??= "RollingUpdate";
        if (strategy.GetString("type") == "RollingUpdate")
        {
            var rollingUpdate = strategy.ChildObject("rollingUpdate");

            rollingUpdate["maxUnavailable"] ??= 1;
            rollingUpdate["maxSurge"] ??= 0;
        }

        spec["revisionHistoryLimit"] ??= 10;
        PodDefaults.ApplyTemplate(spec["template"]);
    });
}
