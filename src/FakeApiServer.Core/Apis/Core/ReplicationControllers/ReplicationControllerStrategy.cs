using System.Text.Json.Nodes;
using FakeApiServer.Apis.Apps.Deployments;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Core.ReplicationControllers;

/// <summary>
/// core/v1 ReplicationController (pkg/registry/core/replicationcontroller/strategy.go, ValidateReplicationControllerSpec):
/// a selector (a label map) that the template's labels match, non-negative replicas and minReadySeconds, a template whose
/// pods restart Always.
/// </summary>
internal sealed class ReplicationControllerStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject ?? [];
        var selector = ObjectMeta.StringMap(spec["selector"]);
        if (selector.Count == 0)
        {
            errors.Add(FieldError.Required("spec.selector"));
        }

        FieldChecks.NonNegative(spec, errors, "replicas");
        FieldChecks.NonNegative(spec, errors, "minReadySeconds");
        errors = [.. errors.Select(e => e.Field.StartsWith("spec.", StringComparison.Ordinal) ? e : e with { Field = "spec." + e.Field })];
        if (spec["template"] is not JsonObject template)
        {
            errors.Add(FieldError.Required("spec.template"));
            return errors;
        }

        var labels = ObjectMeta.StringMap(template["metadata"]?["labels"]);
        if (selector.Count > 0 && selector.Any(s => !labels.TryGetValue(s.Key, out var value) || value != s.Value))
        {
            errors.Add(FieldError.Invalid("spec.template.metadata.labels", new GoLiteral(WorkloadValidation.FormatMap(labels)), "`selector` does not match template `labels`"));
        }

        if (template["spec"]?["containers"] is not JsonArray { Count: > 0 })
        {
            errors.Add(FieldError.Required("spec.template.spec.containers"));
        }

        Apps.WorkloadTemplates.RestartAlways(spec, errors);
        return errors;
    }
}
