using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Scheduling;

/// <summary>Taint and toleration matching, as core/v1's Toleration.ToleratesTaint.</summary>
internal static class Tolerations
{
    /// <summary>
    /// The first of the node's taints with one of <paramref name="effects"/> that the pod does not tolerate, or null.
    /// </summary>
    public static JsonObject? FirstUntolerated(JsonObject pod, JsonObject node, params string[] effects)
    {
        var tolerations = (pod["spec"]?["tolerations"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        return (node["spec"]?["taints"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(t => effects.Contains(t.GetString("effect") ?? ""))
            .FirstOrDefault(taint => !tolerations.Any(t => Tolerates(t, taint)));
    }

    /// <summary>Whether a pod tolerates a taint it does not carry in its spec (e.g. node.kubernetes.io/unschedulable).</summary>
    public static bool ToleratesTaint(JsonObject pod, string key, string effect) =>
        (pod["spec"]?["tolerations"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(t => Tolerates(t, new JsonObject { ["key"] = key, ["effect"] = effect }));

    /// <summary>An empty effect matches every effect; an empty key with Exists matches every key; Equal (or "") compares values.</summary>
    public static bool Tolerates(JsonObject toleration, JsonObject taint)
    {
        var effect = toleration.GetString("effect") ?? "";
        if (effect.Length > 0 && effect != taint.GetString("effect"))
        {
            return false;
        }

        var key = toleration.GetString("key") ?? "";
        if (key.Length > 0 && key != taint.GetString("key"))
        {
            return false;
        }

        return (toleration.GetString("operator") ?? "Equal") switch
        {
            "Exists" => true,
            "Equal" or "" => (toleration.GetString("value") ?? "") == (taint.GetString("value") ?? ""),
            _ => false,
        };
    }
}
