using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.PersistentVolumeClaims;

/// <summary>core/v1 SetDefaults_PersistentVolumeClaim(Spec): volumeMode Filesystem, status.phase Pending.</summary>
internal static class PersistentVolumeClaimDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            spec = [];
            obj["spec"] = spec;
        }

        spec["volumeMode"] ??= "Filesystem";
        if (obj["status"] is not JsonObject status)
        {
            status = [];
            obj["status"] = status;
        }

        status["phase"] ??= "Pending";
    });
}
