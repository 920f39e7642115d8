using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Core.PersistentVolumeClaims;

/// <summary>
/// core/v1 PersistentVolumeClaim (pkg/registry/core/persistentvolumeclaim/strategy.go, ValidatePersistentVolumeClaim):
/// a new claim starts Pending; at least one access mode of the known four, a storage request, volumeMode Filesystem or
/// Block; on update the spec is immutable except resources.requests and volumeAttributesClassName (and volumeName while
/// it is unset, which the binder sets).
/// </summary>
internal sealed class PersistentVolumeClaimStrategy() : ResourceStrategy(hasStatus: true)
{
    internal const string UpdateForbiddenMessage = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";

    internal static readonly string[] AccessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        obj["status"] = new JsonObject { ["phase"] = "Pending" };
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => ValidateSpec(obj["spec"] as JsonObject ?? [], "spec");

    /// <summary>ValidatePersistentVolumeClaimSpec, for claims and for claim templates.</summary>
    internal static List<FieldError> ValidateSpec(JsonObject spec, string path)
    {
        var errors = new List<FieldError>();
        if (spec["accessModes"] is not JsonArray { Count: > 0 } modes)
        {
            errors.Add(FieldError.Required(path + ".accessModes", "at least 1 access mode is required"));
        }
        else
        {
            foreach (var mode in modes.Select(m => m?.GetValue<string>() ?? "").Where(m => !AccessModes.Contains(m)))
            {
                errors.Add(FieldError.NotSupported(path + ".accessModes", mode, AccessModes));
            }
        }

        if (spec["resources"]?["requests"]?["storage"] is null)
        {
            errors.Add(FieldError.Required(path + ".resources[storage]"));
        }

        var modeErrors = new List<FieldError>();
        FieldChecks.OneOf(spec, modeErrors, "volumeMode", "Block", "Filesystem");
        errors.AddRange(modeErrors.Select(e => e with { Field = path + "." + e.Field }));
        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        if (!JsonNode.DeepEquals(Restricted(newObj, oldObj), Restricted(oldObj, oldObj)))
        {
            errors.Add(FieldError.Forbidden("spec", UpdateForbiddenMessage));
        }

        return errors;
    }

    private static JsonObject? Restricted(JsonObject obj, JsonObject oldObj)
    {
        if (obj["spec"]?.DeepClone() is not JsonObject spec)
        {
            return null;
        }

        (spec["resources"] as JsonObject)?.Remove("requests");
        spec.Remove("volumeAttributesClassName");
        if (oldObj["spec"]?["volumeName"] is null)
        {
            spec.Remove("volumeName");
        }

        return spec;
    }
}
