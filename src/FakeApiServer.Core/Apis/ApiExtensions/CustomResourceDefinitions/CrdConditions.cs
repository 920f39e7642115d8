using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.ApiExtensions.CustomResourceDefinitions;

/// <summary>The status conditions of a CRD (apiextensions helpers SetCRDCondition, FindCRDCondition, IsCRDConditionTrue).</summary>
internal static class CrdConditions
{
    public const string NamesAccepted = "NamesAccepted";
    public const string Established = "Established";
    public const string Terminating = "Terminating";

    /// <summary>The condition of <paramref name="type"/>, or null.</summary>
    public static JsonObject? Find(JsonObject crd, string type) =>
        (crd["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == type);

    public static bool IsTrue(JsonObject crd, string type) => Find(crd, type)?.GetString("status") == "True";

    /// <summary>
    /// Sets a condition; lastTransitionTime changes only when the status does, as SetCRDCondition keeps it otherwise.
    /// </summary>
    public static void Set(JsonObject crd, string type, string status, string reason, string message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(crd);
        if (crd["status"] is not JsonObject statusObj)
        {
            crd["status"] = statusObj = [];
        }

        if (statusObj["conditions"] is not JsonArray conditions)
        {
            statusObj["conditions"] = conditions = [];
        }

        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == type);
        var transition = existing is not null && existing.GetString("status") == status
            ? existing["lastTransitionTime"]?.DeepClone()
            : ObjectMeta.FormatTime(now);
        var condition = new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastTransitionTime"] = transition,
            ["reason"] = reason,
            ["message"] = message,
        };
        if (existing is null)
        {
            conditions.Add(condition);
        }
        else
        {
            conditions[conditions.IndexOf(existing)] = condition;
        }
    }
}
