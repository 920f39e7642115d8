using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.PersistentVolumes;

/// <summary>core/v1 SetDefaults_PersistentVolume: persistentVolumeReclaimPolicy Retain, volumeMode Filesystem, status.phase Pending.</summary>
internal static class PersistentVolumeDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        var spec = obj.ChildObject("spec");

        spec["persistentVolumeReclaimPolicy"] ??= "Retain";
        spec["volumeMode"] ??= "Filesystem";
        if (spec["hostPath"] is JsonObject hostPath)
        {
            hostPath["type"] ??= "";
        }

        var status = obj.ChildObject("status");

        status["phase"] ??= "Pending";
    });
}
