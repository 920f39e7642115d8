using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.PersistentVolumeClaims;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Core.PersistentVolumes;

/// <summary>
/// core/v1 PersistentVolume (pkg/registry/core/persistentvolume/strategy.go, ValidatePersistentVolume): a new volume is
/// Pending; capacity (storage) and access modes are required, exactly one volume source, reclaim policy Retain, Delete or
/// Recycle; on update the volume source is immutable.
/// </summary>
internal sealed class PersistentVolumeStrategy(TimeProvider time) : ResourceStrategy(hasStatus: true)
{
    private static readonly string[] Sources =
    [
        "gcePersistentDisk", "awsElasticBlockStore", "hostPath", "glusterfs", "nfs", "rbd", "iscsi", "cinder", "cephfs", "fc",
        "flocker", "flexVolume", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume",
        "scaleIO", "local", "storageos", "csi",
    ];

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        obj["status"] = new JsonObject { ["phase"] = "Pending", ["lastPhaseTransitionTime"] = ObjectMeta.FormatTime(time.GetUtcNow()) };
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject ?? [];
        if (spec["accessModes"] is not JsonArray { Count: > 0 })
        {
            errors.Add(FieldError.Required("spec.accessModes"));
        }

        if (spec["capacity"]?["storage"] is null)
        {
            errors.Add(FieldError.Required("spec.capacity"));
        }

        var sources = Sources.Count(spec.ContainsKey);
        if (sources == 0)
        {
            errors.Add(FieldError.Required("spec", "must specify a volume type"));
        }
        else if (sources > 1)
        {
            errors.Add(FieldError.Forbidden("spec", "may not specify more than 1 volume type"));
        }

        var checks = new List<FieldError>();
        FieldChecks.OneOf(spec, checks, "persistentVolumeReclaimPolicy", "Delete", "Recycle", "Retain");
        FieldChecks.OneOf(spec, checks, "volumeMode", "Block", "Filesystem");
        errors.AddRange(checks.Select(e => e with { Field = "spec." + e.Field }));
        foreach (var mode in (spec["accessModes"] as JsonArray ?? []).Select(m => m?.GetValue<string>() ?? "")
            .Where(m => !PersistentVolumeClaimStrategy.AccessModes.Contains(m)))
        {
            errors.Add(FieldError.NotSupported("spec.accessModes", mode, PersistentVolumeClaimStrategy.AccessModes));
        }

        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        foreach (var source in Sources.Where(s => oldObj["spec"]?[s] is not null))
        {
            FieldChecks.Immutable(newObj, oldObj, errors, "spec." + source);
        }

        return errors;
    }
}
