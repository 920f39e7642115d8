using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.AdmissionRegistration.ValidatingAdmissionPolicies;

/// <summary>
/// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy (ValidateValidatingAdmissionPolicy; defaults in
/// <see cref="Defaults"/>: failurePolicy Fail, matchConstraints matchPolicy Equivalent with empty namespace and object
/// selectors and rules of scope "*"): matchConstraints and at least one validation or audit annotation are required, each
/// validation has an expression; failurePolicy Fail or Ignore. The ValidatingAdmissionPolicy plugin enforces them (docs/cel.md).
/// </summary>
internal sealed class ValidatingAdmissionPolicyStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    public static readonly IResourceDefaulter Defaults = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        spec["failurePolicy"] ??= "Fail";
        if (spec["matchConstraints"] is JsonObject match)
        {
            MatchResourcesDefaults(match);
        }
    });

    /// <summary>SetDefaults_MatchResources and the rules' scope "*", shared with bindings' matchResources.</summary>
    internal static void MatchResourcesDefaults(JsonObject match)
    {
        match["matchPolicy"] ??= "Equivalent";
        match["namespaceSelector"] ??= new JsonObject();
        match["objectSelector"] ??= new JsonObject();
        foreach (var list in new[] { "resourceRules", "excludeResourceRules" })
        {
            foreach (var rule in (match[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                rule["scope"] ??= "*";
            }
        }
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject ?? [];
        if (spec["matchConstraints"] is null)
        {
            errors.Add(FieldError.Required("spec.matchConstraints"));
        }

        var validations = spec["validations"] as JsonArray ?? [];
        if (validations.Count == 0 && spec["auditAnnotations"] is not JsonArray { Count: > 0 })
        {
            errors.Add(FieldError.Required("spec.validations", "validations or auditAnnotations must contain at least one item"));
        }

        for (var i = 0; i < validations.Count; i++)
        {
            if (string.IsNullOrEmpty(validations[i]?["expression"]?.GetValue<string>()))
            {
                errors.Add(FieldError.Required($"spec.validations[{i}].expression"));
            }
        }

        if (spec.GetString("failurePolicy") is { } policy && policy is not ("Fail" or "Ignore"))
        {
            errors.Add(FieldError.NotSupported("spec.failurePolicy", policy, ["Fail", "Ignore"]));
        }

        return errors;
    }
}
