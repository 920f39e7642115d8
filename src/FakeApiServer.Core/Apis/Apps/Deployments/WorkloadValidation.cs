using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps.Deployments;

/// <summary>Checks shared by Deployments and ReplicaSets (apps validation): a selector that is required, matches the template, and does not change.</summary>
internal static class WorkloadValidation
{
    /// <param name="obj">The workload.</param>
    /// <param name="kind">How the empty-selector message names the kind ("deployment" for replica sets too, as upstream).</param>
    public static List<FieldError> Validate(JsonObject obj, string kind = "deployment")
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject;
        if (spec?["selector"] is not JsonObject selector)
        {
            errors.Add(FieldError.Required("spec.selector"));
            return errors;
        }

        if (selector["matchLabels"] is not JsonObject { Count: > 0 } && selector["matchExpressions"] is not JsonArray { Count: > 0 })
        {
            errors.Add(FieldError.Invalid("spec.selector", selector.ToJsonString(), "empty selector is invalid for " + kind));
        }

        var labels = ObjectMeta.StringMap(spec["template"]?["metadata"]?["labels"]);
        if (!LabelSelector.FromLabelSelectorObject(selector).Matches(labels))
        {
            errors.Add(FieldError.Invalid("spec.template.metadata.labels", new GoLiteral(FormatMap(labels)), "`selector` does not match template `labels`"));
        }

        if (spec.GetInt64("replicas") is < 0)
        {
            errors.Add(FieldError.Invalid("spec.replicas", spec.GetInt64("replicas")!.Value, "must be greater than or equal to 0"));
        }

        if (spec["template"]?["spec"]?["containers"] is not JsonArray { Count: > 0 })
        {
            errors.Add(FieldError.Required("spec.template.spec.containers"));
        }

        return errors;
    }

    public static void ValidateSelectorUnchanged(JsonObject newObj, JsonObject oldObj, List<FieldError> errors)
    {
        if (!JsonNode.DeepEquals(newObj["spec"]?["selector"], oldObj["spec"]?["selector"]))
        {
            errors.Add(FieldError.Invalid("spec.selector", newObj["spec"]?["selector"]?.ToJsonString() ?? "null", "field is immutable"));
        }
    }

    /// <summary>Go's %#v of a map[string]string, as upstream prints the template labels.</summary>
    internal static string FormatMap(Dictionary<string, string> map) =>
        "map[string]string{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"\"{p.Key}\":\"{p.Value}\"")) + "}";
}
