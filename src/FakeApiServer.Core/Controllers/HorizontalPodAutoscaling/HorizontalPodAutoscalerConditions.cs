using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.HorizontalPodAutoscaling;

/// <summary>
/// setCondition of the HPA controller: a condition type is added at the end the first time it is set; its
/// lastTransitionTime moves only when its status changes; reason and message are always replaced.
/// </summary>
internal static class HorizontalPodAutoscalerConditions
{
    public const string AbleToScale = "AbleToScale";
    public const string ScalingActive = "ScalingActive";
    public const string ScalingLimited = "ScalingLimited";

    public static void Set(JsonObject status, string type, string value, string reason, string message, DateTimeOffset now)
    {
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        var condition = conditions.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == type);
        if (condition is null)
        {
            condition = new JsonObject { ["type"] = type };
            conditions.Add(condition);
        }

        var transition = condition.GetString("status") != value;
        condition["status"] = value;
        if (transition)
        {
            condition["lastTransitionTime"] = ObjectMeta.FormatTime(now);
        }

        condition["reason"] = reason;
        condition["message"] = message;
    }

    public static void Set(JsonObject status, ReplicaNormalization.Condition condition, DateTimeOffset now) =>
        Set(status, condition.Type, condition.Status, condition.Reason, condition.Message, now);
}
