using System.Text.Json.Nodes;
using FakeApiServer.Apis.Apps.Deployments;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Apps.DaemonSets;

/// <summary>
/// apps/v1 DaemonSet (pkg/registry/apps/daemonset/strategy.go, ValidateDaemonSet): a selector that matches the template
/// and never changes, updateStrategy RollingUpdate or OnDelete, pods that restart Always.
/// </summary>
internal sealed class DaemonSetStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = WorkloadValidation.Validate(obj, "daemonset");
        errors.RemoveAll(e => e.Field == "spec.replicas");
        var spec = obj["spec"] as JsonObject ?? [];
        var checks = new List<FieldError>();
        FieldChecks.OneOf(spec, checks, "updateStrategy.type", "RollingUpdate", "OnDelete");
        FieldChecks.NonNegative(spec, checks, "minReadySeconds");
        errors.AddRange(checks.Select(e => e with { Field = "spec." + e.Field }));
        WorkloadTemplates.RestartAlways(spec, errors);
        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        WorkloadValidation.ValidateSelectorUnchanged(newObj, oldObj, errors);
        return errors;
    }
}
