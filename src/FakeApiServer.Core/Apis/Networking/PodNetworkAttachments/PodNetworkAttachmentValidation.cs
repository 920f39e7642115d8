using System.Text.Json.Nodes;
using FakeApiServer.Apis.Networking.PodNetworks;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Networking.PodNetworkAttachments;

/// <summary>
/// The checks of a PodNetworkAttachment's spec: podNetworkName required and a DNS-1123 subdomain (a PodNetwork's
/// name), valid parametersRefs; on update podNetworkName and parametersRefs are immutable, so the whole spec is.
/// </summary>
internal static class PodNetworkAttachmentValidation
{
    public static IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject;
        var podNetworkName = spec?.GetString("podNetworkName");
        if (string.IsNullOrEmpty(podNetworkName))
        {
            errors.Add(FieldError.Required("spec.podNetworkName"));
        }
        else
        {
            foreach (var message in NameValidation.IsDns1123Subdomain(podNetworkName))
            {
                errors.Add(FieldError.Invalid("spec.podNetworkName", podNetworkName, message));
            }
        }

        ParametersRefValidation.Validate(spec?["parametersRefs"], "spec.parametersRefs", errors);
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        var newSpec = newObj["spec"] as JsonObject;
        var oldSpec = oldObj["spec"] as JsonObject;
        var newName = newSpec?.GetString("podNetworkName") ?? "";
        if (newName != (oldSpec?.GetString("podNetworkName") ?? ""))
        {
            errors.Add(FieldError.Invalid("spec.podNetworkName", newName, PodNetworkValidation.FieldImmutable));
        }

        if (!ParametersRefValidation.Equal(newSpec?["parametersRefs"], oldSpec?["parametersRefs"]))
        {
            errors.Add(FieldError.Invalid("spec.parametersRefs", newSpec?["parametersRefs"]?.DeepClone() ?? new JsonArray(), PodNetworkValidation.FieldImmutable));
        }

        return errors;
    }
}
