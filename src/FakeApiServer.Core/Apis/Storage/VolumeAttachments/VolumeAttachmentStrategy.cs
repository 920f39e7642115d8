using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Storage.VolumeAttachments;

/// <summary>
/// storage.k8s.io/v1 VolumeAttachment (ValidateVolumeAttachment): attacher and nodeName required, exactly one source;
/// the spec is immutable.
/// </summary>
internal sealed class VolumeAttachmentStrategy() : ResourceStrategy(hasStatus: true)
{
    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        FieldChecks.Required(obj, errors, "spec.attacher", "spec.nodeName");
        var source = obj["spec"]?["source"] as JsonObject;
        var count = (source?["persistentVolumeName"] is not null ? 1 : 0) + (source?["inlineVolumeSpec"] is not null ? 1 : 0);
        if (count != 1)
        {
            errors.Add(FieldError.Invalid("spec.source", FieldChecks.Printable(source), "must specify exactly one of inlineVolumeSpec and persistentVolumeName"));
        }

        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        FieldChecks.Immutable(newObj, oldObj, errors, "spec");
        return errors;
    }
}
