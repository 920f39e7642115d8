using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Jobs;

/// <summary>What a Job's podFailurePolicy says about a failed pod: the first matching rule's action and why.</summary>
/// <param name="Action">FailJob, FailIndex, Ignore or Count.</param>
/// <param name="Message">The FailureTarget message, as the controller words it.</param>
internal sealed record PodFailureMatch(string Action, string Message)
{
    /// <summary>
    /// The first rule of <paramref name="policy"/> that matches <paramref name="pod"/>: onExitCodes against its
    /// containers' non-zero exit codes (one container or all), or onPodConditions against its conditions; null when none does.
    /// </summary>
    public static PodFailureMatch? Of(JsonObject? policy, JsonObject pod)
    {
        var rules = (policy?["rules"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var statuses = (pod["status"]?["initContainerStatuses"] as JsonArray ?? []).OfType<JsonObject>()
            .Concat((pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>()).ToList();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var action = rule.GetString("action") ?? "";
            if (rule["onExitCodes"] is JsonObject onExit)
            {
                var container = onExit.GetString("containerName");
                var values = (onExit["values"] as JsonArray ?? []).Select(v => ObjectMeta.AsInt64(v)).ToHashSet();
                var notIn = onExit.GetString("operator") == "NotIn";
                foreach (var cs in statuses)
                {
                    if ((container is not null && cs.GetString("name") != container) || cs["state"]?["terminated"] is not JsonObject terminated)
                    {
                        continue;
                    }

                    var code = terminated.GetInt64("exitCode") ?? 0;
                    if (code != 0 && values.Contains(code) != notIn)
                    {
                        return new(action, $"Container {cs.GetString("name")} for pod {pod.Namespace()}/{pod.Name()} failed with exit code {code} matching {action} rule at index {i}");
                    }
                }
            }

            foreach (var pattern in (rule["onPodConditions"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var type = pattern.GetString("type");
                var status = pattern.GetString("status") ?? "True";
                if ((pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().Any(c => c.GetString("type") == type && c.GetString("status") == status))
                {
                    return new(action, $"Pod {pod.Namespace()}/{pod.Name()} has condition {type} matching {action} rule at index {i}");
                }
            }
        }

        return null;
    }
}
