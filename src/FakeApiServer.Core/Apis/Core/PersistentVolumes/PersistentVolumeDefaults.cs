using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.PersistentVolumes;

/// <summary>core/v1 SetDefaults_PersistentVolume: persistentVolumeReclaimPolicy Retain, volumeMode Filesystem, status.phase Pending.</summary>
internal static class PersistentVolumeDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            spec = [];
            obj["spec"] = spec;
        }

        spec["persistentVolumeReclaimPolicy"] ??= "Retain";
        spec["volumeMode"] ??= "Filesystem";
        if (spec["hostPath"] is JsonObject hostPath)
        {
            hostPath["type"] ??= "";
        }

        if (obj["status"] is not JsonObject status)
        {
            status = [];
            obj["status"] = status;
        }

        status["phase"] ??= "Pending";
    });
}
