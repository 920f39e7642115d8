using System.Text.Json.Nodes;
using FakeApiServer.Apis.Apps.Deployments;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Apps.StatefulSets;

/// <summary>
/// apps/v1 StatefulSet (pkg/registry/apps/statefulset/strategy.go, ValidateStatefulSet): a selector that matches the
/// template, podManagementPolicy OrderedReady or Parallel, updateStrategy RollingUpdate or OnDelete, pods that restart
/// Always; an update may change only replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy
/// and minReadySeconds (upstream's one Forbidden error on spec otherwise).
/// </summary>
internal sealed class StatefulSetStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    internal const string UpdateForbiddenMessage =
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

    private static readonly string[] MutableFields = ["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = WorkloadValidation.Validate(obj, "statefulset");
        var spec = obj["spec"] as JsonObject ?? [];
        var checks = new List<FieldError>();
        FieldChecks.OneOf(spec, checks, "podManagementPolicy", "OrderedReady", "Parallel");
        FieldChecks.OneOf(spec, checks, "updateStrategy.type", "RollingUpdate", "OnDelete");
        FieldChecks.OneOf(spec, checks, "persistentVolumeClaimRetentionPolicy.whenDeleted", "Retain", "Delete");
        FieldChecks.OneOf(spec, checks, "persistentVolumeClaimRetentionPolicy.whenScaled", "Retain", "Delete");
        FieldChecks.NonNegative(spec, checks, "updateStrategy.rollingUpdate.partition");
        FieldChecks.NonNegative(spec, checks, "minReadySeconds");
        errors.AddRange(checks.Select(e => e with { Field = "spec." + e.Field }));
        WorkloadTemplates.RestartAlways(spec, errors);
        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        if (!JsonNode.DeepEquals(Restricted(newObj), Restricted(oldObj)))
        {
            errors.Add(FieldError.Forbidden("spec", UpdateForbiddenMessage));
        }

        return errors;
    }

    private static JsonObject? Restricted(JsonObject obj)
    {
        if (obj["spec"]?.DeepClone() is not JsonObject spec)
        {
            return null;
        }

        foreach (var field in MutableFields)
        {
            spec.Remove(field);
        }

        return spec;
    }
}
