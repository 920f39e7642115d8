using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Deployments;

/// <summary>The Available, Progressing and ReplicaFailure conditions of a deployment, with upstream's reasons and messages (deployment/util).</summary>
internal static class DeploymentConditions
{
    public const string Available = "Available";

    public const string Progressing = "Progressing";

    public const string MinimumReplicasAvailable = "MinimumReplicasAvailable";

    public const string MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

    public const string NewReplicaSetCreated = "NewReplicaSetCreated";

    public const string FoundNewReplicaSet = "FoundNewReplicaSet";

    public const string NewReplicaSetAvailable = "NewReplicaSetAvailable";

    public const string ReplicaSetUpdated = "ReplicaSetUpdated";

    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";

    public const string ReplicaFailure = "ReplicaFailure";

    public const string DeploymentPaused = "DeploymentPaused";

    public const string DeploymentResumed = "DeploymentResumed";

    /// <summary>The condition of <paramref name="type"/> in <paramref name="status"/>, or null.</summary>
    public static JsonObject? Get(JsonObject status, string type) =>
        (status["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == type);

    /// <summary>A new condition stamped with <paramref name="now"/>.</summary>
    public static JsonObject New(string type, string status, string reason, string message, DateTimeOffset now) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastUpdateTime"] = ObjectMeta.FormatTime(now),
        ["lastTransitionTime"] = ObjectMeta.FormatTime(now),
        ["reason"] = reason,
        ["message"] = message,
    };

    /// <summary>
    /// SetDeploymentCondition: nothing changes when the same status and reason are there; a condition with the same status
    /// keeps its lastTransitionTime; the new one goes last.
    /// </summary>
    public static void Set(JsonObject status, JsonObject condition)
    {
        var type = condition.GetString("type")!;
        var current = Get(status, type);
        if (current is not null && current.GetString("status") == condition.GetString("status") && current.GetString("reason") == condition.GetString("reason"))
        {
            return;
        }

        if (current is not null && current.GetString("status") == condition.GetString("status"))
        {
            condition["lastTransitionTime"] = current["lastTransitionTime"]?.DeepClone();
        }

        Remove(status, type);
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }

        conditions.Add(condition);
    }

    /// <summary>Removes the condition of <paramref name="type"/>.</summary>
    public static void Remove(JsonObject status, string type)
    {
        if (status["conditions"] is JsonArray conditions)
        {
            foreach (var c in conditions.OfType<JsonObject>().Where(c => c.GetString("type") == type).ToList())
            {
                conditions.Remove(c);
            }
        }
    }
}
