using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Autoscaling.HorizontalPodAutoscalers;

/// <summary>
/// autoscaling/v1 served from the stored autoscaling/v2 object: the v1 targetCPUUtilizationPercentage is v2's cpu
/// Resource metric with a Utilization target, currentCPUUtilizationPercentage its current average utilization; the
/// other fields (scaleTargetRef, min/max replicas, replica counts, lastScaleTime, observedGeneration) are the same.
/// </summary>
/// <remarks>
/// Upstream also carries what v1 cannot express (other metrics, behavior, conditions) through v1 in annotations
/// (autoscaling.alpha.kubernetes.io/*); here a v1 write keeps the stored v2 metrics other than cpu utilization and the
/// stored behavior, and a v1 read does not show them.
/// </remarks>
internal sealed class HorizontalPodAutoscalerV1Conversion : IVersionConverter
{
    public JsonObject ToServed(JsonObject stored)
    {
        var served = new JsonObject { ["apiVersion"] = "autoscaling/v1", ["kind"] = "HorizontalPodAutoscaler" };
        served["metadata"] = stored["metadata"]?.DeepClone();
        var spec = stored["spec"] as JsonObject ?? [];
        var v1Spec = new JsonObject();
        Copy(spec, v1Spec, "scaleTargetRef", "minReplicas", "maxReplicas");
        if (CpuUtilization(spec["metrics"] as JsonArray, "target") is { } target)
        {
            v1Spec["targetCPUUtilizationPercentage"] = target;
        }

        served["spec"] = v1Spec;
        if (stored["status"] is JsonObject status)
        {
            var v1Status = new JsonObject();
            Copy(status, v1Status, "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas");
            if (CpuUtilization(status["currentMetrics"] as JsonArray, "current") is { } current)
            {
                v1Status["currentCPUUtilizationPercentage"] = current;
            }

            v1Status["currentReplicas"] ??= 0;
            v1Status["desiredReplicas"] ??= 0;
            served["status"] = v1Status;
        }

        return served;
    }

    public JsonObject ToStorage(JsonObject served, JsonObject? stored)
    {
        var result = new JsonObject { ["apiVersion"] = "autoscaling/v2", ["kind"] = "HorizontalPodAutoscaler" };
        result["metadata"] = served["metadata"]?.DeepClone();
        var spec = served["spec"] as JsonObject ?? [];
        var v2Spec = new JsonObject();
        Copy(spec, v2Spec, "scaleTargetRef", "minReplicas", "maxReplicas");
        var metrics = new JsonArray();
        if (spec.GetInt64("targetCPUUtilizationPercentage") is { } percent)
        {
            metrics.Add(HorizontalPodAutoscalerDefaults.CpuUtilization(percent));
        }

        foreach (var metric in (stored?["spec"]?["metrics"] as JsonArray ?? []).OfType<JsonObject>().Where(m => !IsCpuUtilization(m, "target")))
        {
            metrics.Add(metric.DeepClone());
        }

        if (metrics.Count > 0)
        {
            v2Spec["metrics"] = metrics;
        }

        if (stored?["spec"]?["behavior"] is { } behavior)
        {
            v2Spec["behavior"] = behavior.DeepClone();
        }

        result["spec"] = v2Spec;
        if (served["status"] is JsonObject status)
        {
            var v2Status = new JsonObject();
            Copy(status, v2Status, "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas");
            if (status.GetInt64("currentCPUUtilizationPercentage") is { } current)
            {
                v2Status["currentMetrics"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Resource",
                    ["resource"] = new JsonObject { ["name"] = "cpu", ["current"] = new JsonObject { ["averageUtilization"] = current } },
                });
            }

            result["status"] = v2Status;
        }

        // What a v2 read of it shows upstream, which defaults the stored object as it decodes it (no target: cpu 80%).
        HorizontalPodAutoscalerDefaults.V2.Default(result);
        return result;
    }

    private static JsonNode? CpuUtilization(JsonArray? metrics, string side) =>
        metrics?.OfType<JsonObject>().FirstOrDefault(m => IsCpuUtilization(m, side))?["resource"]?[side]?["averageUtilization"]?.DeepClone();

    private static bool IsCpuUtilization(JsonObject metric, string side) =>
        metric.GetString("type") == "Resource" && metric["resource"]?["name"]?.GetValue<string>() == "cpu"
        && metric["resource"]?[side]?["averageUtilization"] is not null;

    private static void Copy(JsonObject from, JsonObject to, params string[] fields)
    {
        foreach (var field in fields)
        {
            if (from[field] is { } value)
            {
                to[field] = value.DeepClone();
            }
        }
    }
}
