using System.Text.Json.Nodes;
using FakeApiServer.Apis.AdmissionRegistration.ValidatingAdmissionPolicies;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.AdmissionRegistration.ValidatingAdmissionPolicyBindings;

/// <summary>
/// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding (ValidateValidatingAdmissionPolicyBinding; its
/// matchResources defaulted as a policy's): policyName required, at least one validation action of Deny, Warn and Audit
/// (Deny and Warn not together), each at most once.
/// </summary>
internal sealed class ValidatingAdmissionPolicyBindingStrategy() : ResourceStrategy(hasStatus: false)
{
    public override bool TracksGeneration => true;

    private static readonly string[] Actions = ["Audit", "Deny", "Warn"];

    public static readonly IResourceDefaulter Defaults = new ResourceDefaulter(obj =>
    {
        if (obj["spec"]?["matchResources"] is JsonObject match)
        {
            ValidatingAdmissionPolicyStrategy.MatchResourcesDefaults(match);
        }
    });

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject ?? [];
        if (string.IsNullOrEmpty(spec.GetString("policyName")))
        {
            errors.Add(FieldError.Required("spec.policyName"));
        }

        var actions = (spec["validationActions"] as JsonArray ?? []).Select(a => a?.GetValue<string>() ?? "").ToList();
        if (actions.Count == 0)
        {
            errors.Add(FieldError.Required("spec.validationActions", "at least one validation action is required"));
        }

        for (var i = 0; i < actions.Count; i++)
        {
            if (!Actions.Contains(actions[i]))
            {
                errors.Add(FieldError.NotSupported($"spec.validationActions[{i}]", actions[i], Actions));
            }
            else if (actions.IndexOf(actions[i]) != i)
            {
                errors.Add(FieldError.Duplicate($"spec.validationActions[{i}]", actions[i]));
            }
        }

        if (actions.Contains("Deny") && actions.Contains("Warn"))
        {
            errors.Add(FieldError.Invalid("spec.validationActions", "[Deny Warn]", "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)"));
        }

        return errors;
    }
}
