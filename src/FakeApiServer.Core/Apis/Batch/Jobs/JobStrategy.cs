using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Batch.Jobs;

/// <summary>
/// batch/v1 Job (pkg/registry/batch/job/strategy.go, pkg/apis/batch/validation): without manualSelector the selector is
/// generated from the job's uid and the template gets the job-name and controller-uid labels (both the
/// batch.kubernetes.io/ and the legacy names); the selector is immutable, and so is the template except for a suspended
/// job that never started (its scheduling directives); completions, parallelism and backoffLimit are non-negative;
/// restartPolicy must be OnFailure or Never. Status is kept on spec writes and changed through jobs/status.
/// </summary>
internal sealed class JobStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";
    public const string JobNameLabel = "batch.kubernetes.io/job-name";
    public const string LegacyControllerUidLabel = "controller-uid";
    public const string LegacyJobNameLabel = "job-name";

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        if (obj["spec"] is JsonObject spec && spec["manualSelector"]?.GetValue<bool>() != true)
        {
            GenerateSelector(obj, spec);
        }

        // Upstream defaults the job's labels again whenever it is read, so they show the generated template labels too.
        JobDefaults.CopyTemplateLabels(obj);
    }

    private static void GenerateSelector(JsonObject job, JsonObject spec)
    {
        var template = spec.ChildObject("template");

        var templateMeta = template.ChildObject("metadata");

        var labels = templateMeta.ChildObject("labels");

        var uid = job.Uid() ?? "";
        labels[LegacyJobNameLabel] ??= job.Name();
        labels[JobNameLabel] ??= job.Name();
        labels[LegacyControllerUidLabel] ??= uid;
        labels[ControllerUidLabel] ??= uid;
        var selector = spec.ChildObject("selector");

        var matchLabels = selector.ChildObject("matchLabels");

        matchLabels[ControllerUidLabel] ??= uid;
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => ValidateSpec(obj["spec"] as JsonObject, "spec", obj["spec"]?["manualSelector"]?.GetValue<bool>() == true);

    /// <summary>ValidateJobSpec, for a Job and for a CronJob's jobTemplate (whose selector is not generated yet).</summary>
    public static List<FieldError> ValidateSpec(JsonObject? spec, string path, bool selectorRequired = true)
    {
        var errors = new List<FieldError>();
        if (spec is null)
        {
            errors.Add(FieldError.Required(path + ".template"));
            return errors;
        }

        foreach (var field in new[] { "parallelism", "completions", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished" })
        {
            FieldChecks.NonNegative(spec, errors, field);
        }

        FieldChecks.OneOf(spec, errors, "completionMode", "NonIndexed", "Indexed");
        errors = [.. errors.Select(e => e with { Field = path + "." + e.Field })];
        if (spec.GetInt64("activeDeadlineSeconds") is 0)
        {
            errors.Add(FieldError.Invalid(path + ".activeDeadlineSeconds", 0, "must be greater than 0"));
        }

        if (spec["selector"] is JsonObject selector)
        {
            var labels = ObjectMeta.StringMap(spec["template"]?["metadata"]?["labels"]);
            if (!LabelSelector.FromLabelSelectorObject(selector).Matches(labels))
            {
                errors.Add(FieldError.Invalid(path + ".template.metadata.labels", new GoLiteral(Apps.Deployments.WorkloadValidation.FormatMap(labels)), "`selector` does not match template `labels`"));
            }
        }
        else if (selectorRequired)
        {
            errors.Add(FieldError.Required(path + ".selector"));
        }

        var podSpec = spec["template"]?["spec"] as JsonObject;
        if (podSpec?["containers"] is not JsonArray { Count: > 0 })
        {
            errors.Add(FieldError.Required(path + ".template.spec.containers"));
        }

        var restartPolicy = podSpec?.GetString("restartPolicy");
        if (restartPolicy is not ("OnFailure" or "Never"))
        {
            errors.Add(FieldError.NotSupported(path + ".template.spec.restartPolicy", restartPolicy ?? "", ["OnFailure", "Never"]));
        }

        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        FieldChecks.Immutable(newObj, oldObj, errors, "spec.selector", "spec.completionMode", "spec.podFailurePolicy", "spec.backoffLimitPerIndex");
        var suspendedNotStarted = oldObj["spec"]?["suspend"]?.GetValue<bool>() == true && oldObj["status"]?["startTime"] is null;
        var newTemplate = newObj["spec"]?["template"]?.DeepClone() as JsonObject;
        var oldTemplate = oldObj["spec"]?["template"]?.DeepClone() as JsonObject;
        if (suspendedNotStarted)
        {
            // A suspended job that never started may change its pods' scheduling directives (and its labels, annotations).
            foreach (var template in new[] { newTemplate, oldTemplate })
            {
                (template?["spec"] as JsonObject)?.Remove("nodeSelector");
                (template?["spec"] as JsonObject)?.Remove("affinity");
                (template?["spec"] as JsonObject)?.Remove("tolerations");
                (template?["spec"] as JsonObject)?.Remove("schedulingGates");
                (template?["metadata"] as JsonObject)?.Remove("labels");
                (template?["metadata"] as JsonObject)?.Remove("annotations");
            }
        }

        if (!JsonNode.DeepEquals(newTemplate, oldTemplate))
        {
            errors.Add(FieldError.Invalid("spec.template", FieldChecks.Printable(newObj["spec"]?["template"]), "field is immutable"));
        }

        var oldCompletions = oldObj["spec"]?["completions"];
        if (!JsonNode.DeepEquals(newObj["spec"]?["completions"], oldCompletions) && newObj["spec"]?["completionMode"]?.GetValue<string>() != "Indexed")
        {
            errors.Add(FieldError.Invalid("spec.completions", FieldChecks.Printable(newObj["spec"]?["completions"]), "field is immutable"));
        }

        return errors;
    }
}
