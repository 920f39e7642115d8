using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.PersistentVolumes;

/// <summary>
/// The PersistentVolume a simulated external provisioner creates for a claim, as kind's local-path-provisioner does:
/// named "pvc-&lt;claim uid&gt;", the claim's requested storage and access modes, a claimRef to the claim, the class's
/// reclaim policy, a hostPath under /var/local-path-provisioner, and (when the scheduler chose a node) node affinity
/// to that node's hostname.
/// </summary>
internal static class ProvisionedVolume
{
    public static string NameFor(JsonObject claim) => "pvc-" + claim.Uid();

    public static JsonObject Build(JsonObject claim, JsonObject storageClass, string? node)
    {
        var name = NameFor(claim);
        var provisioner = storageClass.GetString("provisioner") ?? "";
        var annotations = new JsonObject { [VolumeAnnotations.ProvisionedBy] = provisioner };
        var spec = new JsonObject
        {
            ["accessModes"] = claim["spec"]?["accessModes"]?.DeepClone(),
            ["capacity"] = new JsonObject { ["storage"] = claim["spec"]?["resources"]?["requests"]?["storage"]?.DeepClone() },
            ["claimRef"] = VolumeMatching.ClaimRef(claim),
            ["hostPath"] = new JsonObject
            {
                ["path"] = $"/var/local-path-provisioner/{name}_{claim.Namespace()}_{claim.Name()}",
                ["type"] = "DirectoryOrCreate",
            },
            ["persistentVolumeReclaimPolicy"] = storageClass.GetString("reclaimPolicy") ?? "Delete",
            ["storageClassName"] = storageClass.Name(),
            ["volumeMode"] = VolumeMatching.VolumeMode(claim),
        };
        if (storageClass["mountOptions"] is JsonArray mountOptions)
        {
            spec["mountOptions"] = mountOptions.DeepClone();
        }

        if (node is not null)
        {
            annotations["local.path.provisioner/selected-node"] = node;
            spec["nodeAffinity"] = new JsonObject
            {
                ["required"] = new JsonObject
                {
                    ["nodeSelectorTerms"] = new JsonArray(new JsonObject
                    {
                        ["matchExpressions"] = new JsonArray(new JsonObject
                        {
                            ["key"] = "kubernetes.io/hostname",
                            ["operator"] = "In",
                            ["values"] = new JsonArray(node),
                        }),
                    }),
                },
            };
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolume",
            ["metadata"] = new JsonObject { ["name"] = name, ["annotations"] = annotations },
            ["spec"] = spec,
        };
    }
}
