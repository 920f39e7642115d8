using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.PersistentVolumeClaims;

/// <summary>core/v1 SetDefaults_PersistentVolumeClaim(Spec): volumeMode Filesystem, status.phase Pending.</summary>
internal static class PersistentVolumeClaimDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        var spec = obj.ChildObject("spec");

        spec["volumeMode"] ??= "Filesystem";
        var status = obj.ChildObject("status");

        status["phase"] ??= "Pending";
    });
}
