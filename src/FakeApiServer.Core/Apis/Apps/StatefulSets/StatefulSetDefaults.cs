using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.PersistentVolumeClaims;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps.StatefulSets;

/// <summary>
/// apps/v1 SetDefaults_StatefulSet: podManagementPolicy OrderedReady, updateStrategy RollingUpdate with partition 0,
/// persistentVolumeClaimRetentionPolicy Retain/Retain, replicas 1, revisionHistoryLimit 10; each volume claim template
/// as a PersistentVolumeClaim (volumeMode Filesystem, status.phase Pending); the template's pod spec as every pod spec.
/// </summary>
internal static class StatefulSetDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        spec["podManagementPolicy"] ??= "OrderedReady";
        var strategy = spec.ChildObject("updateStrategy");

        strategy["type"] ??= "RollingUpdate";
        if (strategy.GetString("type") == "RollingUpdate")
        {
            var rollingUpdate = strategy.ChildObject("rollingUpdate");

            rollingUpdate["partition"] ??= 0;
        }

        var retention = spec.ChildObject("persistentVolumeClaimRetentionPolicy");

        retention["whenDeleted"] ??= "Retain";
        retention["whenScaled"] ??= "Retain";
        spec["replicas"] ??= 1;
        spec["revisionHistoryLimit"] ??= 10;
        foreach (var claim in (spec["volumeClaimTemplates"] as JsonArray ?? []).OfType<JsonObject>())
        {
            PersistentVolumeClaimDefaults.Instance.Default(claim);
        }

        PodDefaults.ApplyTemplate(spec["template"]);
    });
}
