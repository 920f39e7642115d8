using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Autoscaling.HorizontalPodAutoscalers;

/// <summary>
/// autoscaling SetDefaults_HorizontalPodAutoscaler. v2: minReplicas 1, no metrics → cpu utilization 80%, and a behavior
/// that is set gets every unset rule field (scaleUp: window 0, policies Pods 4 and Percent 100 per 15s, select Max;
/// scaleDown: window 300, policy Percent 100 per 15s, select Max). v1: minReplicas 1.
/// </summary>
internal static class HorizontalPodAutoscalerDefaults
{
    /// <summary>upstream's default target utilization when no metric is given.</summary>
    private const int DefaultCpuUtilization = 80;

    public static readonly IResourceDefaulter V2 = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        spec["minReplicas"] ??= 1;
        if (spec["metrics"] is not JsonArray { Count: > 0 })
        {
            spec["metrics"] = new JsonArray(CpuUtilization(DefaultCpuUtilization));
        }

        if (spec["behavior"] is JsonObject behavior)
        {
            behavior["scaleUp"] = Rules(behavior["scaleUp"] as JsonObject, window: 0,
                new JsonObject { ["type"] = "Pods", ["value"] = 4, ["periodSeconds"] = 15 },
                new JsonObject { ["type"] = "Percent", ["value"] = 100, ["periodSeconds"] = 15 });
            behavior["scaleDown"] = Rules(behavior["scaleDown"] as JsonObject, window: 300,
                new JsonObject { ["type"] = "Percent", ["value"] = 100, ["periodSeconds"] = 15 });
        }
    });

    public static readonly IResourceDefaulter V1 = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is JsonObject spec)
        {
            spec["minReplicas"] ??= 1;
        }
    });

    /// <summary>A v2 Resource metric on cpu with an average utilization target.</summary>
    internal static JsonObject CpuUtilization(long percent) => new()
    {
        ["type"] = "Resource",
        ["resource"] = new JsonObject
        {
            ["name"] = "cpu",
            ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = percent },
        },
    };

    private static JsonObject Rules(JsonObject? rules, int window, params JsonObject[] policies)
    {
        rules ??= [];
        rules["stabilizationWindowSeconds"] ??= window;
        rules["selectPolicy"] ??= "Max";
        rules["policies"] ??= new JsonArray(policies);
        return rules;
    }
}
