using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Policy.PodDisruptionBudgets;

/// <summary>
/// policy/v1 PodDisruptionBudget (pkg/registry/policy/poddisruptionbudget/strategy.go, ValidatePodDisruptionBudgetSpec):
/// a new budget's status is all zero counts; minAvailable and maxUnavailable are exclusive, each a non-negative integer
/// or a percentage; unhealthyPodEvictionPolicy IfHealthyBudget or AlwaysAllow. The selector may change.
/// </summary>
internal sealed class PodDisruptionBudgetStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        obj["status"] = new JsonObject { ["currentHealthy"] = 0, ["desiredHealthy"] = 0, ["disruptionsAllowed"] = 0, ["expectedPods"] = 0 };
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject ?? [];
        if (spec["minAvailable"] is not null && spec["maxUnavailable"] is not null)
        {
            errors.Add(FieldError.Invalid("spec", FieldChecks.Printable(spec), "minAvailable and maxUnavailable cannot be both set"));
        }

        foreach (var field in new[] { "minAvailable", "maxUnavailable" })
        {
            ValidateIntOrPercent(spec[field], "spec." + field, errors);
        }

        var policy = new List<FieldError>();
        FieldChecks.OneOf(spec, policy, "unhealthyPodEvictionPolicy", "AlwaysAllow", "IfHealthyBudget");
        errors.AddRange(policy.Select(e => e with { Field = "spec." + e.Field }));
        return errors;
    }

    /// <summary>ValidatePositiveIntOrPercent and IsValidPercent, with upstream's messages.</summary>
    private static void ValidateIntOrPercent(JsonNode? value, string path, List<FieldError> errors)
    {
        switch (value)
        {
            case JsonValue v when v.TryGetValue(out long n):
                if (n < 0)
                {
                    errors.Add(FieldError.Invalid(path, n, "must be greater than or equal to 0"));
                }

                break;
            case JsonValue v when v.TryGetValue(out string? text):
                if (!text.EndsWith('%') || !int.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var percent))
                {
                    errors.Add(FieldError.Invalid(path, text, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
                }
                else if (percent > 100)
                {
                    errors.Add(FieldError.Invalid(path, text, "must not be greater than 100%"));
                }

                break;
        }
    }
}
