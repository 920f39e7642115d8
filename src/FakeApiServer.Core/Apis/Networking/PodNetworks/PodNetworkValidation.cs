using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking.PodNetworks;

/// <summary>
/// The checks of a PodNetwork's spec (metadata is the registry's: a DNS-1123 subdomain name, no namespace):
/// provider at most 253 characters, valid parametersRefs, enabled a boolean; on update provider and parametersRefs
/// are immutable ("field is immutable"), enabled may change.
/// </summary>
internal static class PodNetworkValidation
{
    /// <summary>The KEP's limit on spec.provider (the length of a DNS-1123 subdomain).</summary>
    public const int ProviderMaxLength = 253;

    /// <summary>upstream's apimachinery validation.FieldImmutableErrorMsg.</summary>
    public const string FieldImmutable = "field is immutable";

    public static IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject;
        if (spec?["enabled"] is { } enabled && enabled.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
        {
            errors.Add(FieldError.Invalid("spec.enabled", enabled, "must be a boolean"));
        }

        if (spec?.GetString("provider") is { } provider && provider.Length > ProviderMaxLength)
        {
            errors.Add(FieldError.TooLong("spec.provider", provider, ProviderMaxLength));
        }

        ParametersRefValidation.Validate(spec?["parametersRefs"], "spec.parametersRefs", errors);
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        var newSpec = newObj["spec"] as JsonObject;
        var oldSpec = oldObj["spec"] as JsonObject;
        var newProvider = newSpec?.GetString("provider") ?? "";
        if (newProvider != (oldSpec?.GetString("provider") ?? ""))
        {
            errors.Add(FieldError.Invalid("spec.provider", newProvider, FieldImmutable));
        }

        if (!ParametersRefValidation.Equal(newSpec?["parametersRefs"], oldSpec?["parametersRefs"]))
        {
            errors.Add(FieldError.Invalid("spec.parametersRefs", newSpec?["parametersRefs"]?.DeepClone() ?? new JsonArray(), FieldImmutable));
        }

        return errors;
    }
}
