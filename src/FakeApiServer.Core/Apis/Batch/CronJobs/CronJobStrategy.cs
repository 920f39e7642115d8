using System.Text.Json.Nodes;
using FakeApiServer.Apis.Batch.Jobs;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Batch.CronJobs;

/// <summary>
/// batch/v1 CronJob (pkg/registry/batch/cronjob/strategy.go, ValidateCronJobCreate): a name of at most 52 characters
/// (the controller appends an 11-character suffix to job names), schedule required and in robfig/cron's syntax
/// (<see cref="Controllers.CronJobs.CronSchedule"/>) without TZ=, a known timeZone,
/// concurrencyPolicy Allow, Forbid or Replace, history limits non-negative, the job template as a Job's spec.
/// </summary>
internal sealed class CronJobStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    /// <summary>upstream's validation.CronJobNameMaxLength: 63 - 11 (the "-" and the 10-digit scheduled time of job names).</summary>
    private const int NameMaxLength = 52;

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
        else
        {
            ValidateSchedule(schedule, spec["timeZone"] is not null, errors);
        }

        if (spec["timeZone"] is not null)
        {
            ValidateTimeZone(spec.GetString("timeZone") ?? "", errors);
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

    /// <summary>validateScheduleFormat: robfig/cron's standard syntax (a TZ= or CRON_TZ= prefix parses), but no TZ in the schedule.</summary>
    private static void ValidateSchedule(string schedule, bool hasTimeZone, List<FieldError> errors)
    {
        var text = schedule.Trim();
        if (text.StartsWith("TZ=", StringComparison.Ordinal) || text.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            text = space < 0 ? "" : text[(space + 1)..];
        }

        if (!Controllers.CronJobs.CronSchedule.TryParse(text, out _, out var error))
        {
            errors.Add(FieldError.Invalid("spec.schedule", schedule, error));
        }

        if (schedule.Contains("TZ", StringComparison.Ordinal))
        {
            errors.Add(FieldError.Invalid("spec.schedule", schedule, hasTimeZone
                ? "cannot use both timeZone field and TZ or CRON_TZ in schedule"
                : "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
        }
    }

    /// <summary>validateTimeZone: a non-empty IANA name the server knows, not "Local".</summary>
    private static void ValidateTimeZone(string timeZone, List<FieldError> errors)
    {
        if (timeZone.Length == 0)
        {
            errors.Add(FieldError.Invalid("spec.timeZone", timeZone, "timeZone must be nil or non-empty string"));
            return;
        }

        if (timeZone.Split('/').Any(part => part is "." or ".." || part.StartsWith('-') || !part.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '+')))
        {
            errors.Add(FieldError.Invalid("spec.timeZone", timeZone, "unknown time zone " + timeZone));
            return;
        }

        if (string.Equals(timeZone, "Local", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(FieldError.Invalid("spec.timeZone", timeZone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
            return;
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            errors.Add(FieldError.Invalid("spec.timeZone", timeZone, "unknown time zone " + timeZone));
        }
    }
}
