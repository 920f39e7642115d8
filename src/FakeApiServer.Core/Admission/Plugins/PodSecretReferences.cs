using System.Text.Json.Nodes;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// Whether a pod spec names a Secret anywhere upstream's VisitPodSecretNames looks (all containers): image pull
/// secrets, secret and projected-secret volumes, the secretRef of volume plugins (CSI, FlexVolume, CephFS, RBD,
/// ScaleIO, iSCSI, StorageOS, Cinder), an Azure File share's secretName, env valueFrom.secretKeyRef and envFrom.secretRef.
/// </summary>
internal static class PodSecretReferences
{
    private static readonly string[] SecretRefVolumes = ["cephfs", "cinder", "flexVolume", "rbd", "scaleIO", "storageos"];

    public static bool Any(JsonObject spec)
    {
        if (spec["imagePullSecrets"] is JsonArray { Count: > 0 })
        {
            return true;
        }

        foreach (var volume in (spec["volumes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (volume["secret"] is not null || volume["azureFile"]?["secretName"] is not null
                || volume["csi"]?["nodePublishSecretRef"] is not null
                || volume["iscsi"]?["secretRef"] is not null
                || SecretRefVolumes.Any(v => volume[v]?["secretRef"] is not null)
                || (volume["projected"]?["sources"] as JsonArray ?? []).Any(s => s?["secret"] is not null))
            {
                return true;
            }
        }

        foreach (var list in new[] { "initContainers", "containers", "ephemeralContainers" })
        {
            foreach (var container in (spec[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                if ((container["env"] as JsonArray ?? []).Any(e => e?["valueFrom"]?["secretKeyRef"] is not null)
                    || (container["envFrom"] as JsonArray ?? []).Any(e => e?["secretRef"] is not null))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
