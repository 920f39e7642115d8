using System.Text.Json.Nodes;
using FakeApiServer.Apis.Batch.Jobs;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Batch.CronJobs;

/// <summary>
/// batch/v1 CronJob (pkg/registry/batch/cronjob/strategy.go, ValidateCronJobCreate): a name of at most 52 characters
/// (the controller appends an 11-character suffix to job names), schedule required and of five fields (or a macro),
/// concurrencyPolicy Allow, Forbid or Replace, history limits non-negative, the job template as a Job's spec.
/// </summary>
internal sealed class CronJobStrategy() : ResourceStrategy(hasStatus: true)
{
    /// <summary>upstream's validation.CronJobNameMaxLength: 63 - 11 (the "-" and the 10-digit scheduled time of job names).</summary>
    private const int NameMaxLength = 52;

    private static readonly string[] Macros = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        if (obj.Name().Length > NameMaxLength)
        {
            errors.Add(FieldError.Invalid("metadata.name", obj.Name(), "must be no more than 52 characters"));
        }

        var spec = obj["spec"] as JsonObject ?? [];
        var schedule = spec.GetString("schedule");
        if (string.IsNullOrEmpty(schedule))
        {
            errors.Add(FieldError.Required("spec.schedule"));
        }
        else if (!IsSchedule(schedule))
        {
            errors.Add(FieldError.Invalid("spec.schedule", schedule, "unparseable schedule"));
        }

        var policies = new List<FieldError>();
        FieldChecks.OneOf(spec, policies, "concurrencyPolicy", "Allow", "Forbid", "Replace");
        FieldChecks.NonNegative(spec, policies, "successfulJobsHistoryLimit");
        FieldChecks.NonNegative(spec, policies, "failedJobsHistoryLimit");
        FieldChecks.NonNegative(spec, policies, "startingDeadlineSeconds");
        errors.AddRange(policies.Select(e => e with { Field = "spec." + e.Field }));
        errors.AddRange(JobStrategy.ValidateSpec(spec["jobTemplate"]?["spec"] as JsonObject, "spec.jobTemplate.spec", selectorRequired: false));
        return errors;
    }

    /// <summary>Five space-separated fields (robfig/cron's standard parser), or one of its macros.</summary>
    private static bool IsSchedule(string schedule)
    {
        var text = schedule.Trim();
        if (text.StartsWith("TZ=", StringComparison.Ordinal) || text.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            return false;
        }

        return Macros.Contains(text) || text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 5;
    }
}
