using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Jobs;

/// <summary>A Job condition's type, reason and message as the job controller writes it.</summary>
internal sealed record JobCondition(string Type, string Reason, string Message);

/// <summary>
/// The Job conditions the job controller writes (batch/v1's JobConditionType and the controller's reasons and
/// messages), and reading and setting them in a status: a condition whose status stays keeps its lastTransitionTime.
/// </summary>
internal static class JobConditions
{
    public const string Complete = "Complete";
    public const string Failed = "Failed";
    public const string FailureTarget = "FailureTarget";
    public const string SuccessCriteriaMet = "SuccessCriteriaMet";
    public const string Suspended = "Suspended";

    public static readonly JobCondition BackoffLimitExceeded = new(FailureTarget, "BackoffLimitExceeded", "Job has reached the specified backoff limit");

    public static readonly JobCondition DeadlineExceeded = new(FailureTarget, "DeadlineExceeded", "Job was active longer than specified deadline");

    public static readonly JobCondition CompletionsReached = new(SuccessCriteriaMet, "CompletionsReached", "Reached expected number of succeeded pods");

    public static readonly JobCondition JobSuspended = new(Suspended, "JobSuspended", "Job suspended");

    public static readonly JobCondition JobResumed = new(Suspended, "JobResumed", "Job resumed");

    /// <summary>The success policy's condition: "Matched rules at index N".</summary>
    public static JobCondition SuccessPolicy(int rule) => new(SuccessCriteriaMet, "SuccessPolicy", $"Matched rules at index {rule}");

    /// <summary>A pod failure policy's FailJob rule matched.</summary>
    public static JobCondition PodFailurePolicy(string message) => new(FailureTarget, "PodFailurePolicy", message);

    /// <summary>The condition of <paramref name="type"/> when its status is True, or null.</summary>
    public static JsonObject? True(JsonObject? status, string type) =>
        (status?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == type && c.GetString("status") == "True");

    /// <summary>Whether the job is finished: Complete or Failed is True.</summary>
    public static bool Finished(JsonObject? status) => True(status, Complete) is not null || True(status, Failed) is not null;

    /// <summary>Sets a condition (status True unless <paramref name="value"/> is false), as the controller's ensureJobConditionStatus.</summary>
    public static void Set(JsonObject status, JobCondition condition, string now, bool value = true, string? type = null)
    {
        var conditions = status["conditions"] as JsonArray ?? [];
        status["conditions"] = conditions;
        var text = value ? "True" : "False";
        var kind = type ?? condition.Type;
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == kind);
        if (existing is not null && existing.GetString("status") == text && existing.GetString("reason") == condition.Reason)
        {
            return;
        }

        var entry = new JsonObject
        {
            ["type"] = kind,
            ["status"] = text,
            ["lastProbeTime"] = now,
            ["lastTransitionTime"] = existing is not null && existing.GetString("status") == text ? existing.GetString("lastTransitionTime") ?? now : now,
            ["reason"] = condition.Reason,
            ["message"] = condition.Message,
        };
        if (existing is null)
        {
            conditions.Add(entry);
        }
        else
        {
            conditions[conditions.IndexOf(existing)] = entry;
        }
    }
}
