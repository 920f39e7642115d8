using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Storage.StorageClasses;

/// <summary>
/// storage.k8s.io/v1 StorageClass (ValidateStorageClass, ValidateStorageClassUpdate; defaults reclaimPolicy Delete and
/// volumeBindingMode Immediate in <see cref="Defaults"/>): provisioner required; reclaimPolicy Delete or Retain,
/// volumeBindingMode Immediate or WaitForFirstConsumer; parameters, provisioner and reclaimPolicy may not change, nor may
/// volumeBindingMode.
/// </summary>
internal sealed class StorageClassStrategy() : ResourceStrategy(hasStatus: false)
{
    public static readonly IResourceDefaulter Defaults = new ResourceDefaulter(obj =>
    {
        obj["reclaimPolicy"] ??= "Delete";
        obj["volumeBindingMode"] ??= "Immediate";
    });

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        FieldChecks.Required(obj, errors, "provisioner");
        FieldChecks.OneOf(obj, errors, "reclaimPolicy", "Delete", "Retain");
        FieldChecks.OneOf(obj, errors, "volumeBindingMode", "Immediate", "WaitForFirstConsumer");
        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        foreach (var field in new[] { "parameters", "provisioner", "reclaimPolicy" })
        {
            if (!JsonNode.DeepEquals(newObj[field], oldObj[field]))
            {
                errors.Add(FieldError.Forbidden(field, $"updates to {field} are forbidden."));
            }
        }

        FieldChecks.Immutable(newObj, oldObj, errors, "volumeBindingMode");
        return errors;
    }
}
