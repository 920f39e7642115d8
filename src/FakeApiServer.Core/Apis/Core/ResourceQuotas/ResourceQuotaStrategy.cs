using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.ResourceQuotas;

/// <summary>
/// core/v1 ResourceQuota (pkg/registry/core/resourcequota/strategy.go, ValidateResourceQuota): status is cleared on create
/// and kept on spec writes; hard amounts must be non-negative quantities; scopes of the known set.
/// </summary>
internal sealed class ResourceQuotaStrategy() : ResourceStrategy(hasStatus: true)
{
    private static readonly string[] Scopes = ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass"];

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        foreach (var (name, value) in obj["spec"]?["hard"] as JsonObject ?? [])
        {
            if (value?.ToString() is { } text && text.StartsWith('-'))
            {
                errors.Add(FieldError.Invalid("spec.hard[" + name + "]", text, "must be greater than or equal to 0"));
            }
        }

        foreach (var scope in (obj["spec"]?["scopes"] as JsonArray ?? []).Select(s => s?.GetValue<string>() ?? "").Where(s => !Scopes.Contains(s)))
        {
            errors.Add(FieldError.NotSupported("spec.scopes", scope, Scopes));
        }

        return errors;
    }
}
