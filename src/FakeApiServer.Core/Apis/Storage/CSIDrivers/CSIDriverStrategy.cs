using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Storage.CSIDrivers;

/// <summary>
/// storage.k8s.io/v1 CSIDriver (ValidateCSIDriver and its update; SetDefaults_CSIDriver in <see cref="Defaults"/>:
/// attachRequired true, podInfoOnMount false, storageCapacity false, fsGroupPolicy ReadWriteOnceWithFSType,
/// volumeLifecycleModes [Persistent], requiresRepublish false, seLinuxMount false): fsGroupPolicy and lifecycle modes of the
/// known values; attachRequired, fsGroupPolicy, podInfoOnMount and volumeLifecycleModes immutable (upstream names the
/// first one spec.attachedRequired in its error).
/// </summary>
internal sealed class CSIDriverStrategy() : ResourceStrategy(hasStatus: false)
{
    public override bool TracksGeneration => true;

    public static readonly IResourceDefaulter Defaults = new ResourceDefaulter(obj =>
    {
        var spec = obj.ChildObject("spec");

        spec["attachRequired"] ??= true;
        spec["podInfoOnMount"] ??= false;
        spec["storageCapacity"] ??= false;
        spec["fsGroupPolicy"] ??= "ReadWriteOnceWithFSType";
        spec["volumeLifecycleModes"] ??= new JsonArray("Persistent");
        spec["requiresRepublish"] ??= false;
        spec["seLinuxMount"] ??= false;
    });

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        FieldChecks.OneOf(obj, errors, "spec.fsGroupPolicy", "File", "None", "ReadWriteOnceWithFSType");
        var modes = obj["spec"]?["volumeLifecycleModes"] as JsonArray ?? [];
        foreach (var mode in modes.Select(m => m?.GetValue<string>() ?? "").Where(m => m is not ("Persistent" or "Ephemeral")))
        {
            errors.Add(FieldError.NotSupported("spec.volumeLifecycleModes", mode, ["Ephemeral", "Persistent"]));
        }

        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        if (!JsonNode.DeepEquals(newObj["spec"]?["attachRequired"], oldObj["spec"]?["attachRequired"]))
        {
            errors.Add(FieldError.Invalid("spec.attachedRequired", FieldChecks.Printable(newObj["spec"]?["attachRequired"]), "field is immutable"));
        }

        FieldChecks.Immutable(newObj, oldObj, errors, "spec.fsGroupPolicy", "spec.podInfoOnMount", "spec.volumeLifecycleModes");
        return errors;
    }
}
